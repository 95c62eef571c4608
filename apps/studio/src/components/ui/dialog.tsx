'use client';
import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal dialog on the native <dialog> element (focus trap, Escape, `aria-modal` and the backdrop come from
 * the browser). Rendered while `open`; `onClose` runs on Escape or Cancel.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  role = 'dialog',
  size = 'md',
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer: ReactNode;
  role?: 'dialog' | 'alertdialog';
  /** `lg`: wide enough for a script or a table. */
  size?: 'md' | 'lg';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  if (!open) return null;
  return (
    <dialog
      ref={ref}
      role={role}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto ${size === 'lg' ? 'w-[min(56rem,calc(100vw-2rem))]' : 'w-[min(32rem,calc(100vw-2rem))]'} max-h-[calc(100vh-2rem)] rounded-xl border border-border bg-surface p-0 text-fg shadow-2xl`}
    >
      <div className="px-5 pt-5">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        {description && (
          <div id={descId} className="mt-2 text-sm leading-relaxed text-muted">
            {description}
          </div>
        )}
        {children && <div className="mt-4">{children}</div>}
      </div>
      <div className="mt-5 flex justify-end gap-2 border-t border-border bg-surface-2/60 px-5 py-3">
        {footer}
      </div>
    </dialog>
  );
}
