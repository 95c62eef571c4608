import type { ReactNode } from 'react';
import { describeError } from '../../lib/api';
import { Spinner } from './button';

/** A failure, readable: the server's message, its code, and any problems it lists. */
export function ErrorBanner({ error, action }: { error: unknown; action?: ReactNode }) {
  const d = describeError(error);
  return (
    <div role="alert" className="rounded-lg border border-danger/40 bg-danger-soft px-4 py-3 text-sm text-fg">
      <div className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="font-semibold text-danger">
            {d.title}
            {d.code && d.code !== 'network' && d.code !== 'bad-answer' && (
              <span className="ml-2 rounded bg-surface px-1.5 py-0.5 font-mono text-xs font-normal text-muted">
                {d.code}
              </span>
            )}
          </p>
          <p className="mt-1 break-words">{d.message}</p>
          {d.items.length > 0 && (
            <ul className="mt-2 list-disc space-y-0.5 pl-5 font-mono text-xs">
              {d.items.slice(0, 20).map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          )}
        </div>
        {action}
      </div>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-border px-6 py-10 text-center">
      <p className="font-medium">{title}</p>
      {children && <div className="mt-1 text-sm text-muted">{children}</div>}
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <div role="status" className="flex items-center gap-2 px-1 py-6 text-sm text-muted">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

export function Card({
  title,
  actions,
  children,
  className = '',
  titleId,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  titleId?: string;
}) {
  return (
    <section
      aria-labelledby={titleId}
      className={`rounded-xl border border-border bg-surface shadow-sm ${className}`}
    >
      {(title || actions) && (
        <div className="flex flex-wrap items-center gap-3 border-b border-border px-4 py-3">
          {title && (
            <h2 id={titleId} className="text-sm font-semibold">
              {title}
            </h2>
          )}
          {actions && <div className="ml-auto flex flex-wrap items-center gap-2">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}
