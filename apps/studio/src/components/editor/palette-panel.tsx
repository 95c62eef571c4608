'use client';
import { PALETTE } from '../../editor';

/** The drag-and-drop type a palette item carries: its id. */
export const PALETTE_MIME = 'application/x-flowstate-palette-item';

/** Palette grouped as Sources, Transforms, Keyed, Windows, Joins, Sinks: click to add, or drag onto the canvas. */
export function PalettePanel({ onAdd }: { onAdd: (itemId: string) => void }) {
  return (
    <nav aria-label="Palette" className="flex h-full flex-col gap-3 overflow-y-auto p-2">
      {PALETTE.map((group) => (
        <section key={group.id} aria-labelledby={`palette-${group.id}`}>
          <h3
            id={`palette-${group.id}`}
            className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted"
          >
            {group.label}
          </h3>
          <ul className="space-y-1">
            {group.items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  draggable
                  title={item.description}
                  onClick={() => onAdd(item.id)}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(PALETTE_MIME, item.id);
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  className="w-full cursor-grab rounded-md border border-border bg-surface px-2 py-1 text-left text-sm hover:bg-surface-2"
                >
                  <span aria-hidden="true" className="mr-1.5 inline-block w-4 text-center text-muted">
                    {item.icon}
                  </span>
                  {item.label}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
