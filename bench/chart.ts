import { writeFileSync } from 'node:fs';
import type { ContestantResults } from './figures.js';
import { medianRateOf, rate } from './format.js';
import { chartPng } from './png-chart.js';
import {
  colorOf,
  layoutPanel,
  legendAt,
  LEFT,
  PANEL_HEIGHT,
  TOP,
  WIDTH,
  type ChartModel,
  type ChartPanel,
} from './chart-layout.js';

/** Figure 1, 3, 4, 6 and 7 events/s (medians), contestants side by side. */
export function chartModel(
  results: ContestantResults[],
  levels: number[],
  lengths: number[],
  fanout: string[] = [],
): ChartModel {
  return {
    legend: results.map((r) => r.label),
    panels: [
      {
        title: 'Figure 1: events/s, one run to one client (median)',
        groups: [{ title: 'one run', values: results.map((r) => medianRateOf(r.single)) }],
      },
      {
        title: 'Figure 3: events/s, simultaneous runs (median, all runs together)',
        groups: levels.map((l) => ({
          title: `${l} runs`,
          values: results.map((r) => medianRateOf(r.concurrency[l])),
        })),
      },
      {
        title: 'Figure 4: events/s delivered to all subscribers of one run (fan-out)',
        groups: fanout.map((key) => ({
          title: key.replace(':', ' x '),
          values: results.map((r) => r.fanout?.[key]?.eventsPerSec ?? Number.NaN),
        })),
      },
      {
        title: 'Figure 6: events/s, event log in the database vs in memory (median)',
        groups: [
          { title: 'one run', values: results.map((r) => medianRateOf(r.persistence?.single)) },
          { title: 'simultaneous runs', values: results.map((r) => medianRateOf(r.persistence?.concurrent)) },
        ],
      },
      {
        title: 'Figure 7: events/s by run length (median)',
        groups: lengths.map((l) => ({
          title: `${l / 1000}k events`,
          values: results.map((r) => medianRateOf(r.growth[l])),
        })),
      },
    ],
  };
}

const escape = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;');

function panelSvg(panel: ChartPanel, top: number): string {
  const { bars, labels, base, max } = layoutPanel(panel, top);
  return [
    `<text x="${LEFT}" y="${top + 18}" font-size="15" font-weight="bold">${escape(panel.title)}</text>`,
    `<line x1="${LEFT}" y1="${base}" x2="${WIDTH - 20}" y2="${base}" stroke="#333"/>`,
    `<text x="${LEFT - 6}" y="${top + 36}" font-size="11" text-anchor="end">${rate(max)}</text>`,
    `<text x="${LEFT - 6}" y="${base}" font-size="11" text-anchor="end">0</text>`,
    ...bars.map(
      (b) =>
        `<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width.toFixed(1)}" ` +
        `height="${b.height.toFixed(1)}" fill="${b.color}"/>` +
        `<text x="${(b.x + b.width / 2).toFixed(1)}" y="${(b.y - 3).toFixed(1)}" font-size="9" ` +
        `text-anchor="middle">${rate(b.value)}</text>`,
    ),
    ...labels.map(
      (l) =>
        `<text x="${l.x.toFixed(1)}" y="${base + 16}" font-size="12" text-anchor="middle">${escape(l.text)}</text>`,
    ),
  ].join('\n');
}

/** The chart as SVG. */
export function chartSvg(model: ChartModel): string {
  const legend = model.legend.map(
    (label, i) =>
      `<rect x="${legendAt(i).x}" y="${legendAt(i).y}" width="12" height="12" fill="${colorOf(i)}"/>` +
      `<text x="${legendAt(i).x + 16}" y="${legendAt(i).y + 11}" font-size="11">${escape(label)}</text>`,
  );
  const height = TOP + model.panels.length * PANEL_HEIGHT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...legend,
    ...model.panels.map((panel, i) => panelSvg(panel, TOP + i * PANEL_HEIGHT)),
    '</svg>',
    '',
  ].join('\n');
}

/** Writes the chart as SVG and as PNG (drawn by `png-chart.ts`: no image library is installed). */
export function writeChart(model: ChartModel, svgPath: string, pngPath: string): void {
  writeFileSync(svgPath, chartSvg(model));
  writeFileSync(pngPath, chartPng(model));
}
