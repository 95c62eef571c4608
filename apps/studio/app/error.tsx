'use client';
import { Button } from '../src/components/ui/button';
import { ErrorBanner } from '../src/components/ui/feedback';

/** A page that failed while rendering: say what happened and offer to try again (re-fetch and re-render). */
export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="mx-auto max-w-2xl space-y-4 py-10">
      <h1 className="text-xl font-semibold tracking-tight">This page could not be shown</h1>
      <ErrorBanner error={error} action={<Button onClick={retry}>Try again</Button>} />
    </div>
  );
}
