/**
 * The public half of the licence service's Ed25519 signing key, bundled with the CLI so that licence
 * tokens can be verified offline. The private half is NOT in this repository: it lives only in the
 * licence service's `LICENSE_SIGNING_KEY`. Whoever runs the production service generates a key pair,
 * keeps the private PEM secret and replaces this constant with the public PEM
 * (see src/license-service/README.md).
 *
 * `AUTHORSTACK_LICENSE_PUBLIC_KEY` (PEM text) overrides it, for tests and self-hosted services.
 */
export const BUNDLED_LICENSE_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAqll3rbT2ABa+BnIKuiu4F+XRwLPney05gYHGRaHz9ng=
-----END PUBLIC KEY-----
`;
