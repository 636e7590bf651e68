import { Resvg } from '@resvg/resvg-js';

/** Renders an SVG to PNG server-side with resvg (system fonts; DejaVu Sans by default). */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return Buffer.from(resvg.render().asPng());
}
