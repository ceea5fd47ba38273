import { crc32, deflateSync } from 'node:zlib';
import {
  layoutPanel,
  colorOf,
  legendAt,
  LEFT,
  PANEL_HEIGHT,
  TOP,
  WIDTH,
  type ChartModel,
} from './chart-layout.js';
import { rate } from './format.js';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './raster-font.js';

/** An RGB raster, white to start with. */
interface Canvas {
  width: number;
  height: number;
  pixels: Buffer;
}

type Rgb = [number, number, number];

const BLACK: Rgb = [0, 0, 0];
const GREY: Rgb = [60, 60, 60];

function rgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function fillRect(canvas: Canvas, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(canvas.width, Math.round(x + w));
  const y1 = Math.min(canvas.height, Math.round(y + h));
  for (let py = y0; py < y1; py++)
    for (let px = x0; px < x1; px++) canvas.pixels.set(color, (py * canvas.width + px) * 3);
}

/** Draws `text` with the 5×7 font scaled by `scale`; `align` positions it around `x`. */
function drawText(
  canvas: Canvas,
  text: string,
  x: number,
  y: number,
  options: { scale?: number; color?: Rgb; align?: 'left' | 'center' | 'right' } = {},
): void {
  const scale = options.scale ?? 1;
  const advance = (GLYPH_WIDTH + 1) * scale;
  const width = text.length * advance;
  const start = options.align === 'center' ? x - width / 2 : options.align === 'right' ? x - width : x;
  [...text].forEach((char, i) => {
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++)
      for (let gx = 0; gx < GLYPH_WIDTH; gx++)
        if (glyphPixel(char, gx, gy))
          fillRect(
            canvas,
            start + i * advance + gx * scale,
            y + gy * scale,
            scale,
            scale,
            options.color ?? BLACK,
          );
  });
}

/** PNG bytes of an RGB canvas (8-bit truecolour, no filtering). */
function encodePng(canvas: Canvas): Buffer {
  const rows = Buffer.alloc((canvas.width * 3 + 1) * canvas.height);
  for (let y = 0; y < canvas.height; y++)
    canvas.pixels.copy(
      rows,
      y * (canvas.width * 3 + 1) + 1,
      y * canvas.width * 3,
      (y + 1) * canvas.width * 3,
    );
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(canvas.width, 0);
  header.writeUInt32BE(canvas.height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method variants, no interlace
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The chart as a PNG: the same layout as the SVG, drawn with a bitmap font. */
export function chartPng(model: ChartModel): Buffer {
  const height = TOP + model.panels.length * PANEL_HEIGHT;
  const canvas: Canvas = { width: WIDTH, height, pixels: Buffer.alloc(WIDTH * height * 3, 255) };
  model.legend.forEach((label, i) => {
    const { x, y } = legendAt(i);
    fillRect(canvas, x, y, 12, 12, rgb(colorOf(i)));
    drawText(canvas, label.slice(0, 26), x + 16, y + 3);
  });
  model.panels.forEach((panel, p) => {
    const top = TOP + p * PANEL_HEIGHT;
    const { bars, labels, base, max } = layoutPanel(panel, top);
    drawText(canvas, panel.title, LEFT, top + 6, { scale: 2 });
    fillRect(canvas, LEFT, base, WIDTH - 20 - LEFT, 1, GREY);
    drawText(canvas, rate(max), LEFT - 6, top + 30, { align: 'right' });
    drawText(canvas, '0', LEFT - 6, base - 7, { align: 'right' });
    for (const bar of bars) {
      fillRect(canvas, bar.x, bar.y, bar.width, bar.height, rgb(bar.color));
      drawText(canvas, rate(bar.value), bar.x + bar.width / 2, bar.y - 10, { align: 'center' });
    }
    for (const label of labels)
      drawText(canvas, label.text, label.x, base + 6, { scale: 2, align: 'center' });
  });
  return encodePng(canvas);
}
