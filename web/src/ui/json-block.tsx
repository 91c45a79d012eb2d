import { Code } from '@mantine/core';

/** A scrollable block of code or JSON, focusable so keyboard users can scroll it (axe: scrollable-region-focusable). */
export function CodeBlock({ children, label, maxHeight = 240 }: { children: string; label: string; maxHeight?: number }) {
  return (
    <Code block mah={maxHeight} style={{ overflow: 'auto' }} tabIndex={0} aria-label={label}>
      {children}
    </Code>
  );
}
