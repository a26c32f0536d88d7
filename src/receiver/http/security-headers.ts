// The security headers every response carries.

/**
 * The CSP allows scripts, styles and connections to this origin, plus the endpoints named. Only directives
 * Chromium, Firefox and WebKit (Safari) all know: WebKit reports any other at every load (the web-app
 * manifest is covered by default-src).
 */
export function securityHeaders(connectExtra: string[] = []): Record<string, string> {
  const connect = ["'self'", ...connectExtra].join(' ');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      // 'wasm-unsafe-eval': Argon2id (hash-wasm) compiles its WebAssembly; it allows no JavaScript eval.
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${connect}`,
      "worker-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "object-src 'none'",
    ].join('; '),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  };
}
