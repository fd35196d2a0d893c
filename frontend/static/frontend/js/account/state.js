// The account page's state: the tokens as the API last listed them, the API addresses, and
// the token the confirmation dialog is about to revoke.

export function createState(data) {
  return { tokens: data.tokens, urls: data.urls, revoking: null };
}

/** Return the address of one token's route. */
export function tokenUrl(state, id) {
  return state.urls.token.replace("{id}", String(id));
}
