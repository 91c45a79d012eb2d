import { useEffect, useState } from 'react';

/** The current time, refreshed every `ms`, so relative times and staleness move on their own. */
export function useNow(ms = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
