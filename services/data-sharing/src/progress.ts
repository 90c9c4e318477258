/** The progress line of the long commands (rebuild, re-screen): a bar, the share, counts, the rate and an ETA. */
export function progressLine(done: number, total: number, unit: string, seconds: number): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const width = 30;
  const filled = Math.round(share * width);
  const rate = seconds > 0 ? done / seconds : 0;
  const eta = rate > 0 ? Math.max(0, (total - done) / rate) : Number.NaN;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}  ${Math.round(rate).toLocaleString('en')} ${unit}/s${Number.isFinite(eta) ? `  ETA ${eta.toFixed(0)} s` : ''}`;
}
