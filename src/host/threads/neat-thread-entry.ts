// Where the NEAT evaluation thread's entry file is: beside the sources when Node runs them
// directly, or the bundled file the app's main process names (electron-vite emits it as
// out/main/neat-evaluation-thread.js and passes that folder in TRAINDECK_BUNDLE_DIR).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function evaluationThreadUrl(): URL {
  const bundleDirectory = process.env.TRAINDECK_BUNDLE_DIR;
  if (bundleDirectory) return pathToFileURL(join(bundleDirectory, 'neat-evaluation-thread.js'));
  return new URL('../../workers/neat/evaluation-thread.ts', import.meta.url);
}
