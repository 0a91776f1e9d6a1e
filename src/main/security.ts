// The window's security rules as pure functions, so they are unit-tested without Electron: which
// frames may call the host, which links leave the app for the
// browser, and which web permissions a page gets (none). index.ts wires them into Electron.

/** How the window's page was loaded: the dev server URL (electron-vite dev), or the built file. */
export interface RendererLocation {
  devServerUrl: string | undefined;
  /** file:// URL of out/renderer/index.html. */
  fileUrl: string;
}

/** True for the app's own page (any route fragment of it); nothing else may use the bridge. */
export function isAppPage(url: string, location: RendererLocation): boolean {
  if (location.devServerUrl) return sameOrigin(url, location.devServerUrl);
  return url === location.fileUrl || url.startsWith(`${location.fileUrl}#`);
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/**
 * Outside pages the window links to, as URL prefixes (scheme, host and path). The window links
 * to none today, so no link leaves the app; a page added here opens in the default browser.
 */
export const externalLinkAllowList: readonly string[] = [];

/**
 * The URL to hand to the default browser for a link the page tried to open, or undefined to
 * drop it. Only https URLs that start with an allow-listed prefix pass; credentials in the URL,
 * other schemes (file:, javascript:, custom handlers) and look-alike hosts never do.
 */
export function externalUrlToOpen(url: string, allowList: readonly string[] = externalLinkAllowList): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return undefined;
  const normalised = parsed.href;
  return allowList.some((prefix) => matchesPrefix(normalised, prefix)) ? normalised : undefined;
}

function matchesPrefix(url: string, prefix: string): boolean {
  const allowed = new URL(prefix);
  const candidate = new URL(url);
  if (candidate.origin !== allowed.origin) return false;
  const path = allowed.pathname.endsWith('/') ? allowed.pathname : `${allowed.pathname}/`;
  return candidate.pathname === allowed.pathname || candidate.pathname.startsWith(path);
}

/**
 * Web permissions (camera, notifications, clipboard, geolocation, …) for any page in the app:
 * none. The window needs none of them; desktop notifications come from the main process.
 * Used for both Electron's permission checks and its permission requests.
 */
export function permissionGranted(_permission: string, _requestingUrl: string): boolean {
  return false;
}

