import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Providers } from '../src/components/providers';
import { THEME_SCRIPT, ThemeToggle } from '../src/components/theme-toggle';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Flowstate', template: '%s · Flowstate' },
  description: 'Design, run and watch stateful stream pipelines',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fafafc' },
    { media: '(prefers-color-scheme: dark)', color: '#16171c' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script that applies the stored theme before first paint */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <Providers>
          <div className="flex min-h-dvh flex-col">
            <header className="sticky top-0 z-20 border-b border-border bg-surface/85 backdrop-blur">
              <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4 sm:px-6">
                <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
                  <Logo />
                  <span>Flowstate</span>
                </Link>
                <nav aria-label="Main" className="flex items-center gap-4 text-sm text-muted">
                  <Link href="/" className="hover:text-fg">
                    Pipelines
                  </Link>
                </nav>
                <div className="ml-auto flex items-center gap-2">
                  <ThemeToggle />
                </div>
              </div>
            </header>
            <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6">{children}</main>
          </div>
        </Providers>
      </body>
    </html>
  );
}

function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" className="text-accent">
      <rect x="2" y="2" width="20" height="20" rx="6" fill="currentColor" opacity="0.15" />
      <path
        d="M6 15c2.5 0 3-6 6-6s3.5 6 6 6"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.2"
        strokeLinecap="round"
      />
      <circle cx="6" cy="15" r="1.6" fill="currentColor" />
      <circle cx="18" cy="15" r="1.6" fill="currentColor" />
    </svg>
  );
}
