// A small self-contained SVG histogram of failover times (no external assets).

export function histogramSvg(valuesMs: readonly number[], title: string, bucketMs = 50): string {
  const max = Math.max(bucketMs, ...valuesMs);
  const buckets = Array.from({ length: Math.ceil((max + 1) / bucketMs) }, () => 0);
  for (const v of valuesMs) buckets[Math.floor(v / bucketMs)] = (buckets[Math.floor(v / bucketMs)] ?? 0) + 1;
  const width = 640;
  const height = 320;
  const left = 50;
  const bottom = 40;
  const plotW = width - left - 20;
  const plotH = height - bottom - 40;
  const top = Math.max(1, ...buckets);
  const barW = plotW / buckets.length;
  const bars = buckets
    .map((count, i) => {
      const h = (count / top) * plotH;
      const x = left + i * barW;
      return `<rect x="${x.toFixed(1)}" y="${(40 + plotH - h).toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#3b82f6"><title>${i * bucketMs}–${(i + 1) * bucketMs} ms: ${count}</title></rect>`;
    })
    .join('\n  ');
  const ticks = buckets
    .map((_, i) =>
      i % Math.ceil(buckets.length / 10) === 0
        ? `<text x="${(left + i * barW).toFixed(1)}" y="${height - bottom + 16}" font-size="11">${i * bucketMs}</text>`
        : '',
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
  <text x="${left}" y="24" font-size="14">${title}</text>
  <line x1="${left}" y1="${40 + plotH}" x2="${left + plotW}" y2="${40 + plotH}" stroke="#333"/>
  ${bars}
  ${ticks}
  <text x="${left + plotW / 2}" y="${height - 6}" font-size="12" text-anchor="middle">failover time (ms)</text>
  <text x="12" y="${40 + plotH / 2}" font-size="12" transform="rotate(-90 12 ${40 + plotH / 2})" text-anchor="middle">trials (max ${top})</text>
</svg>
`;
}
