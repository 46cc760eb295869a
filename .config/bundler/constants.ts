export const SOURCE_DIR = 'src';
export const DIST_DIR = 'dist';
// Storelens: plugin.json lives at the repository root, where the Go build (Magefile) reads it too;
// the front-end build copies it into dist/ with %VERSION% and %TODAY% filled in.
export const PLUGIN_JSON = 'plugin.json';
