// Argon2id alone (hash-wasm holds many algorithms): a module of its own, so that the passcode screen can
// import it lazily (vault.ts) and the bundler still keeps only this one function of the package.
export { argon2id } from 'hash-wasm';
