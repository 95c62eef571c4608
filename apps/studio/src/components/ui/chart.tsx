'use client';
/**
 * Compact hand-written SVG charts (no chart library): a time-series line chart and a bar chart over
 * categories. Each is an image for assistive technology (`role="img"`, named by its title and a text
 * summary), shows the same summary as text, and can show its data as a table instead. Colours are the
 * design tokens, so light and dark follow the theme. The series bookkeeping is `src/lib/series.ts`.
 */
import { type ReactNode, useId, useLayoutEffect, useRef, useState } from 'react';
import { downsampleMinMax, niceTicks, type Point, timeTicks } from '../../lib/series';

/** Series colours, in order (CSS custom properties of app/globals.css). */
export const SERIES_COLORS = ['var(--accent)', 'var(--ok)', 'var(--warn)', 'var(--danger)', 'var(--muted)'];

const M = { top: 10, right: 12, bottom: 22, left: 52 };

/** The element's content width, kept current with a ResizeObserver (0 before the first layout). */
function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w !== undefined) setWidth(Math.round(w));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

function ChartFrame({
  title,
  heading,
  summary,
  legend,
  table,
  children,
}: {
  title: string;
  /** A visible heading above the chart (when the surrounding card's title does not already say it). */
  heading?: string;
  /** One sentence per line; joined, it is the image's accessible description. */
  summary: string[];
  legend?: ReactNode;
  table: ReactNode;
  children: (width: number) => ReactNode;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [showTable, setShowTable] = useState(false);
  const tableId = useId();
  return (
    <figure className="m-0">
      <div className="mb-1 flex flex-wrap items-center gap-x-4 gap-y-1">
        {heading && <h3 className="text-xs font-semibold">{heading}</h3>}
        {legend}
        <button
          type="button"
          className="ml-auto text-xs text-accent hover:underline"
          aria-expanded={showTable}
          aria-controls={tableId}
          onClick={() => setShowTable((s) => !s)}
        >
          {showTable ? `Show ${title.toLowerCase()} chart` : `Show ${title.toLowerCase()} data`}
        </button>
      </div>
      {showTable ? (
        <div
          id={tableId}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must be reachable by keyboard
          tabIndex={0}
          className="max-h-56 overflow-auto rounded-md border border-border"
        >
          {table}
        </div>
      ) : (
        <div ref={ref} role="img" aria-label={`${title}. ${summary.join(' ')}`} className="w-full">
          {width > 0 && children(width)}
        </div>
      )}
      <figcaption className="mt-1 space-y-0.5 text-xs text-muted tabular-nums">
        {summary.map((s) => (
          <p key={s}>{s}</p>
        ))}
      </figcaption>
    </figure>
  );
}

function YAxis({
  ticks,
  y,
  width,
  format,
}: {
  ticks: number[];
  y: (v: number) => number;
  width: number;
  format: (v: number) => string;
}) {
  // A tick whose label reads like the one below it says nothing: leave it out.
  const shown = ticks.filter((t, i) => i === 0 || format(t) !== format(ticks[i - 1]!));
  return (
    <g>
      {shown.map((t) => (
        <g key={t}>
          <line
            x1={M.left}
            x2={width - M.right}
            y1={y(t)}
            y2={y(t)}
            className="stroke-border"
            strokeWidth={1}
          />
          <text x={M.left - 6} y={y(t)} dy="0.32em" textAnchor="end" className="fill-muted text-[10px]">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

export interface LineSeries {
  id: string;
  label: string;
  points: readonly Point[];
  color: string;
}

/** Lines over time in [from, to]. */
export function LineChart({
  title,
  series,
  from,
  to,
  height = 160,
  formatValue,
  formatTick,
  summary,
  table,
  empty,
}: {
  title: string;
  series: readonly LineSeries[];
  from: number;
  to: number;
  height?: number;
  formatValue: (v: number) => string;
  formatTick: (t: number) => string;
  summary: string[];
  table: ReactNode;
  /** Shown instead of the plot when no series has a point. */
  empty: string;
}) {
  const max = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.v)));
  const ticks = niceTicks(0, max || 1, 4);
  const top = ticks[ticks.length - 1]!;
  const hasData = series.some((s) => s.points.length > 0);
  return (
    <ChartFrame
      title={title}
      summary={hasData ? summary : [empty]}
      table={table}
      legend={
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label={`${title} series`}>
          {series.map((s) => (
            <li key={s.id} className="inline-flex items-center gap-1.5">
              <span
                aria-hidden="true"
                className="inline-block h-0.5 w-4 rounded"
                style={{ background: s.color }}
              />
              {s.label}
            </li>
          ))}
        </ul>
      }
    >
      {(width) => {
        const plotW = Math.max(10, width - M.left - M.right);
        const x = (t: number) => M.left + ((t - from) / Math.max(1, to - from)) * plotW;
        const y = (v: number) => M.top + (1 - v / top) * (height - M.top - M.bottom);
        return (
          <svg width={width} height={height} aria-hidden="true" className="block overflow-visible">
            <YAxis ticks={ticks} y={y} width={width} format={formatValue} />
            {timeTicks(from, to, Math.max(2, Math.floor(plotW / 110))).map((t) => (
              <text key={t} x={x(t)} y={height - 6} textAnchor="middle" className="fill-muted text-[10px]">
                {formatTick(t)}
              </text>
            ))}
            {series.map((s) => {
              const pts = downsampleMinMax(
                s.points.filter((p) => p.t >= from),
                Math.ceil(plotW / 2),
              );
              if (pts.length === 0) return null;
              const d = pts
                .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
                .join('');
              const last = pts[pts.length - 1]!;
              return (
                <g key={s.id}>
                  <path d={d} fill="none" stroke={s.color} strokeWidth={1.75} strokeLinejoin="round" />
                  <circle cx={x(last.t)} cy={y(last.v)} r={2.5} fill={s.color} />
                </g>
              );
            })}
            {!hasData && (
              <text x={M.left + plotW / 2} y={height / 2} textAnchor="middle" className="fill-muted text-xs">
                {empty}
              </text>
            )}
          </svg>
        );
      }}
    </ChartFrame>
  );
}

export interface Bar {
  /** Category label under the bar (a checkpoint id). */
  label: string;
  value: number;
  color: string;
  /** Tooltip text. */
  title: string;
}

/** One bar per category, oldest left. */
export function BarChart({
  title,
  heading,
  bars,
  tickUnit = 1,
  minTickStep = 0,
  height = 140,
  formatValue,
  summary,
  table,
  legend,
  empty,
}: {
  title: string;
  heading?: string;
  bars: readonly Bar[];
  /** Ticks are round multiples of this (1024 for KiB). */
  tickUnit?: number;
  /** The smallest step between ticks (1 for whole bytes or milliseconds). */
  minTickStep?: number;
  height?: number;
  formatValue: (v: number) => string;
  summary: string[];
  table: ReactNode;
  legend?: ReactNode;
  empty: string;
}) {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const ticks = niceTicks(0, max / tickUnit || 1, 3, minTickStep / tickUnit).map((t) => t * tickUnit);
  const top = ticks[ticks.length - 1]!;
  return (
    <ChartFrame
      title={title}
      {...(heading ? { heading } : {})}
      summary={bars.length > 0 ? summary : [empty]}
      table={table}
      legend={legend}
    >
      {(width) => {
        const plotW = Math.max(10, width - M.left - M.right);
        const slot = plotW / Math.max(bars.length, 8);
        const barW = Math.max(2, Math.min(28, slot * 0.7));
        const y = (v: number) => M.top + (1 - v / top) * (height - M.top - M.bottom);
        const every = Math.max(1, Math.ceil(28 / slot));
        return (
          <svg width={width} height={height} aria-hidden="true" className="block overflow-visible">
            <YAxis ticks={ticks} y={y} width={width} format={formatValue} />
            {bars.map((b, i) => {
              const cx = M.left + slot * (i + 0.5);
              const h = Math.max(1, y(0) - y(b.value));
              return (
                <g key={b.label}>
                  <rect x={cx - barW / 2} y={y(0) - h} width={barW} height={h} rx={2} fill={b.color}>
                    <title>{b.title}</title>
                  </rect>
                  {(i % every === 0 || i === bars.length - 1) && (
                    <text x={cx} y={height - 6} textAnchor="middle" className="fill-muted text-[10px]">
                      {b.label}
                    </text>
                  )}
                </g>
              );
            })}
            {bars.length === 0 && (
              <text x={M.left + plotW / 2} y={height / 2} textAnchor="middle" className="fill-muted text-xs">
                {empty}
              </text>
            )}
          </svg>
        );
      }}
    </ChartFrame>
  );
}
