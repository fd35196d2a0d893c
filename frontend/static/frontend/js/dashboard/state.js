// The dashboard's state: the figures the server computed (the same ones GET
// /api/v1/debates/{slug}/agreement/ answers), embedded in the page, with the stances' and the
// statuses' labels. Created once by the entry (createState); nothing changes afterwards.

export function createState(data) {
  return {
    agreement: data.agreement.agreement,
    progress: data.agreement.progress,
    pooledConfusion: data.agreement.stance_confusion,
    statusLabels: data.status_labels,
    stanceByKey: new Map(data.stances.map((s) => [s.key, s])),
    urls: { mapAgreement: data.urls.map_agreement },
  };
}

export function stanceName(state, label) {
  if (label === null) return "not marked";
  const stance = state.stanceByKey.get(label);
  return stance ? stance.label : label;
}
