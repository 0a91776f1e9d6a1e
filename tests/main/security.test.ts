// The window's security rules: only the app's own page may call the host, no link leaves the app
// unless allow-listed (today the app opened any https URL a page asked for), and no page gets a
// web permission.
import { describe, expect, it } from 'vitest';
import { externalLinkAllowList, externalUrlToOpen, isAppPage, permissionGranted } from '../../src/main/security.ts';

const built = { devServerUrl: undefined, fileUrl: 'file:///Applications/TrainDeck.app/Contents/Resources/app.asar/out/renderer/index.html' };
const dev = { devServerUrl: 'http://localhost:5173/', fileUrl: built.fileUrl };

describe('isAppPage', () => {
  it('accepts the built page and its route fragments only', () => {
    expect(isAppPage(built.fileUrl, built)).toBe(true);
    expect(isAppPage(`${built.fileUrl}#/history`, built)).toBe(true);
    expect(isAppPage(`${built.fileUrl}.evil.html`, built)).toBe(false);
    expect(isAppPage('file:///tmp/index.html', built)).toBe(false);
    expect(isAppPage('https://example.com/', built)).toBe(false);
  });

  it('accepts the dev server by origin, not by a prefix a look-alike host could share', () => {
    expect(isAppPage('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(isAppPage('http://localhost:5173.evil.com/', dev)).toBe(false);
    expect(isAppPage('http://localhost:5174/', dev)).toBe(false);
    expect(isAppPage('not a url', dev)).toBe(false);
  });
});

describe('externalUrlToOpen', () => {
  it('opens nothing by default: the window links to no outside page', () => {
    expect(externalLinkAllowList).toEqual([]);
    expect(externalUrlToOpen('https://example.com/')).toBeUndefined();
    expect(externalUrlToOpen('https://attacker.example/phish')).toBeUndefined();
  });

  const allowList = ['https://docs.example.org/traindeck/'];

  it('opens https URLs under an allow-listed prefix', () => {
    expect(externalUrlToOpen('https://docs.example.org/traindeck/', allowList)).toBe('https://docs.example.org/traindeck/');
    expect(externalUrlToOpen('https://docs.example.org/traindeck/rl.html#ppo', allowList)).toBe('https://docs.example.org/traindeck/rl.html#ppo');
  });

  it('refuses other paths, look-alike hosts, credentials, other schemes and garbage', () => {
    for (const url of [
      'https://docs.example.org/traindeck-evil/',
      'https://docs.example.org/',
      'https://docs.example.org.evil.com/traindeck/',
      'https://user:pass@docs.example.org/traindeck/',
      'http://docs.example.org/traindeck/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://docs.example.org/traindeck/',
      'not a url',
    ]) {
      expect(externalUrlToOpen(url, allowList), url).toBeUndefined();
    }
  });

  it('normalises what it opens, so path tricks cannot climb out of the prefix', () => {
    expect(externalUrlToOpen('https://docs.example.org/traindeck/../admin', allowList)).toBeUndefined();
    expect(externalUrlToOpen('https://DOCS.example.org/traindeck/a', allowList)).toBe('https://docs.example.org/traindeck/a');
  });
});

describe('permissionGranted', () => {
  it('grants no web permission, to any page, the app page included', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb']) {
      expect(permissionGranted(permission, built.fileUrl), permission).toBe(false);
      expect(permissionGranted(permission, 'https://example.com'), permission).toBe(false);
    }
  });
});
