/**
 * A console sink in the server prints at most `linesPerSecond` lines a second (a job must not flood the server's
 * log); the lines left out are counted, and `onSuppressed` reports them at most every 10 s.
 */
export function rateLimitedConsole(
  linesPerSecond: number,
  write: (text: string) => void,
  onSuppressed: (lines: number) => void,
  now: () => number = Date.now,
): (text: string) => void {
  let windowStart = 0;
  let printed = 0;
  let suppressed = 0;
  let lastReport = Number.NEGATIVE_INFINITY;
  return (text) => {
    const t = now();
    if (t - windowStart >= 1000) {
      windowStart = t;
      printed = 0;
    }
    let end = 0;
    let lines = 0;
    while (printed + lines < linesPerSecond && end < text.length) {
      const nl = text.indexOf('\n', end);
      end = nl === -1 ? text.length : nl + 1;
      lines++;
    }
    if (end > 0) write(end === text.length ? text : text.slice(0, end));
    printed += lines;
    if (end < text.length) {
      let rest = 0;
      for (let i = text.indexOf('\n', end); i !== -1; i = text.indexOf('\n', i + 1)) rest++;
      suppressed += Math.max(1, rest);
    }
    if (suppressed > 0 && t - lastReport >= 10_000) {
      lastReport = t;
      onSuppressed(suppressed);
      suppressed = 0;
    }
  };
}
