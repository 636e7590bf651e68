/**
 * Renders an SVG to PNG server-side with resvg (system fonts; DejaVu Sans by default). resvg's
 * native module is loaded on the first render, not when the bot starts.
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return Buffer.from(resvg.render().asPng());
}
