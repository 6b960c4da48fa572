// A real OpenID Connect provider for the oidc browser journey (tests/browser/test_oidc_journey.py),
// on 127.0.0.1 only. oidc-provider's own development sign-in pages ask for a login (any password
// is accepted: this is a test provider), and every account's claims are derived from its login:
// email LOGIN@example.org, name from the login, and the roles the test passes in OIDC_ROLES
// (JSON: {"login": ["drafter"]}), sent in the "roles" claim.
//
// Configuration from the environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// OIDC_REDIRECT_URI. Prints "listening on URL" once it accepts connections.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const roles = JSON.parse(process.env.OIDC_ROLES || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    // Streamlit's st.logout ends the provider's session too, and comes back to its redirect URI.
    post_logout_redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], roles: ['roles'] },
  // Streamlit reads who signed in from the ID token: put the claims there, not only in userinfo.
  conformIdTokenClaims: false,
  scopes: ['openid', 'profile', 'email', 'roles'],
  cookies: { keys: ['a test provider only'] },
  async findAccount(ctx, id) {
    const login = String(id).toLowerCase();
    return {
      accountId: login,
      async claims() {
        const name = login.split(/[._-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
        return { sub: login, email: `${login}@example.org`, email_verified: true, name, roles: roles[login] || [] };
      },
    };
  },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log(`listening on ${issuer}`);
});
