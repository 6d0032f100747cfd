import pkg from '../../package.json';

/** The application version as `/health` reports it, e.g. `v0.1.0`. */
export const VERSION = `v${pkg.version}`;
