/**
 * A dashed vertical marker across a uPlot plot box with a label near its top, placed on the side
 * with room so it never runs off the plot. One drawing for the trace chart's "first correct"
 * and the compare chart's "answers diverge".
 */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function drawLabelledMarker(ctx: CanvasRenderingContext2D, box: PlotBox, x: number, dpr: number, colour: string, dash: readonly [number, number], label: string): void {
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.setLineDash([dash[0] * dpr, dash[1] * dpr]);
  ctx.beginPath();
  ctx.moveTo(x, box.top);
  ctx.lineTo(x, box.top + box.height);
  ctx.stroke();
  ctx.setLineDash([]);
  const room = box.left + box.width - x > ctx.measureText(label).width + 8 * dpr;
  ctx.textAlign = room ? 'left' : 'right';
  ctx.fillText(label, room ? x + 4 * dpr : x - 4 * dpr, box.top + 12 * dpr);
}
