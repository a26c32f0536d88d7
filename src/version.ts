// The app's version, from package.json at build time (Vite and tsx both read
// the named JSON export, and the build keeps only this one field).
export { version as APP_VERSION } from '../package.json';
