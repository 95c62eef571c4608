import { eventTimeTitle, formatEventTime } from '../../lib/format';

/**
 * An event time (epoch ms) people can read — `2023-11-14 22:13:20Z` — with the value as stored on hover
 * (`title`) and in `dateTime` (ISO), and copied as the epoch value (a copy of just this text puts the number
 * on the clipboard, which is what a query or a spec wants).
 */
export function EventTime({
  ms,
  className,
  short = false,
}: {
  ms: number | null | undefined;
  className?: string;
  /** To the second, without the zone (the full value is on hover). */
  short?: boolean;
}) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return <span className={className}>—</span>;
  return (
    <time
      dateTime={new Date(ms).toISOString()}
      title={eventTimeTitle(ms)}
      className={className}
      onCopy={(e) => {
        const selected = window.getSelection()?.toString() ?? '';
        if (selected.trim() !== formatEventTime(ms, { seconds: short })) return;
        e.preventDefault();
        e.clipboardData.setData('text/plain', String(ms));
      }}
    >
      {formatEventTime(ms, { seconds: short })}
    </time>
  );
}
