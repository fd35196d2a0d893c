// The members page's state: the members as the API last listed them, the roles, the API
// addresses, and who the confirmation dialog is about to remove.

export function createState(data) {
  return {
    me: data.me,
    members: data.members,
    roles: data.roles,
    urls: data.urls,
    removing: null,
    suggestions: data.suggestions,
  };
}

/** Return the address of one member's route. */
export function memberUrl(state, username) {
  return state.urls.member.replace("{username}", encodeURIComponent(username));
}

/** Return the label of a role key ("annotator" → "Annotator"). */
export function roleLabel(state, role) {
  return state.roles.find((r) => r.value === role)?.label ?? role;
}
