/**
 * Turns the device page's Vite build (one HTML file, one script chunk, stylesheets) into one self-contained
 * HTML document: the board serves a single response, so the script and styles go inline.
 */
export class DevicePageError extends Error {
  constructor(
    readonly code: 'not_single_chunk' | 'asset_missing' | 'no_html',
    message: string,
  ) {
    super(message);
    this.name = 'DevicePageError';
  }
}

export interface BuiltAsset {
  fileName: string;
  /** JS chunk code or a text asset's source. */
  text: string;
}

/** `</script` inside an inline script would end it early; `<\/script` reads the same to JavaScript. */
function safeInlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

function assetFor(ref: string, assets: readonly BuiltAsset[]): BuiltAsset {
  const name = ref.replace(/^\.?\//, '');
  const hit = assets.find((a) => a.fileName === name);
  if (!hit)
    throw new DevicePageError('asset_missing', `the page refers to ${ref}, which the build did not emit`);
  return hit;
}

export function inlinePage(html: string, assets: readonly BuiltAsset[]): string {
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*><\/script>/g)];
  if (scripts.length !== 1) {
    throw new DevicePageError(
      'not_single_chunk',
      `the device page must build to exactly one script, got ${scripts.length}`,
    );
  }
  let out = html.replace(/<link\b[^>]*\brel="modulepreload"[^>]*>\s*/g, '');
  out = out.replace(/<script\b[^>]*\bsrc="([^"]+)"[^>]*><\/script>/, (_m, src: string) => {
    return `<script type="module">${safeInlineScript(assetFor(src, assets).text)}</script>`;
  });
  out = out.replace(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"[^>]*>/g, (_m, href: string) => {
    return `<style>${assetFor(href, assets).text.replace(/<\/(style)/gi, '<\\/$1')}</style>`;
  });
  return out;
}
