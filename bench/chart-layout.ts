/** Geometry shared by the SVG and the PNG chart. */

/** Bar colours, one per contestant (hex RGB). */
export const COLORS = ['#7f7f7f', '#1f77b4', '#2ca02c', '#ff7f0e', '#d62728', '#9467bd', '#8c564b'];
/** Chart width and the height of one panel, in pixels. */
export const WIDTH = 960;
export const PANEL_HEIGHT = 260;
/** Left margin of the plots and the height of the legend row. */
export const LEFT = 70;
export const TOP = 56;

/** Legend entries per row, and where entry `i` goes. */
export const LEGEND_PER_ROW = 5;
export const legendAt = (i: number): { x: number; y: number } => ({
  x: LEFT + (i % LEGEND_PER_ROW) * 175,
  y: 10 + Math.floor(i / LEGEND_PER_ROW) * 18,
});

/** A group of bars: one setting, one bar per contestant (NaN: not measured). */
export interface BarGroup {
  title: string;
  values: number[];
}

/** One panel of grouped bars. */
export interface ChartPanel {
  title: string;
  groups: BarGroup[];
}

/** What the chart shows, drawn as SVG and as PNG alike. */
export interface ChartModel {
  legend: string[];
  panels: ChartPanel[];
}

/** A bar's geometry inside a panel whose top is `top`. */
export interface BarBox {
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
  color: string;
}

/** Lays a panel out: its bars, group label positions and scale. */
export function layoutPanel(
  panel: ChartPanel,
  top: number,
): { bars: BarBox[]; labels: { x: number; text: string }[]; base: number; max: number } {
  const plotWidth = WIDTH - LEFT - 20;
  const plotHeight = PANEL_HEIGHT - 70;
  const max = Math.max(1, ...panel.groups.flatMap((g) => g.values.filter(Number.isFinite)));
  const groupWidth = plotWidth / Math.max(1, panel.groups.length);
  const bar = (groupWidth - 20) / Math.max(1, panel.groups[0]?.values.length ?? 1);
  const base = top + 30 + plotHeight;
  const bars: BarBox[] = [];
  const labels = panel.groups.map((group, g) => {
    const x0 = LEFT + g * groupWidth + 10;
    group.values.forEach((value, c) => {
      if (!Number.isFinite(value)) return;
      const height = (value / max) * plotHeight;
      bars.push({ x: x0 + c * bar, y: base - height, width: bar - 2, height, value, color: colorOf(c) });
    });
    return { x: x0 + (groupWidth - 20) / 2, text: group.title };
  });
  return { bars, labels, base, max };
}

/** The colour of contestant `index`. */
export const colorOf = (index: number): string => COLORS[index % COLORS.length] ?? '#000000';
