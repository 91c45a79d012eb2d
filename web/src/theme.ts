import { type CSSVariablesResolver, createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'blue',
  // Shade 8 keeps white text on filled buttons above WCAG AA contrast (4.5:1); shade 6 does not.
  primaryShade: { light: 8, dark: 8 },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'sm',
});

const COLORS = ['blue', 'red', 'gray', 'violet', 'grape'];
/** Shade 9 of these is still under 4.5:1 on their light background: darker text, by hand. */
const DARKER: Record<string, string> = {
  green: '#1e6b30',
  orange: '#a33a0a',
  yellow: '#6e5200',
  teal: '#0b6157',
  cyan: '#0a5a6b',
};

/** Mantine's dimmed text and light-variant labels fall under 4.5:1: darker in light mode, lighter in dark. */
export const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    ...Object.fromEntries(COLORS.map((c) => [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`])),
    ...Object.fromEntries(Object.entries(DARKER).map(([c, v]) => [`--mantine-color-${c}-light-color`, v])),
  },
  // Mantine's dark dimmed (dark-2 on dark-7) falls just under 4.5:1: one step lighter.
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
  },
});
