/** Which of an account's invitations the config expects, and which it does not. */

export interface InvitationView {
  readonly id: string;
  readonly networkId: string;
  readonly networkName?: string;
  readonly status: string;
  readonly creationDate: Date;
  readonly expirationDate: Date;
}

export interface InvitationChoice {
  /** The newest PENDING invitation to the configured network. */
  readonly pending?: InvitationView;
  /** The newest invitation to the configured network, whatever its status. */
  readonly latest?: InvitationView;
  /** PENDING invitations to any other network. */
  readonly unexpected: readonly InvitationView[];
}

export function chooseInvitation(networkId: string, invitations: readonly InvitationView[]): InvitationChoice {
  const newestFirst = [...invitations].sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime());
  const toNetwork = newestFirst.filter((invitation) => invitation.networkId === networkId);
  return {
    pending: toNetwork.find((invitation) => invitation.status === 'PENDING'),
    latest: toNetwork[0],
    unexpected: newestFirst.filter((invitation) => invitation.networkId !== networkId && invitation.status === 'PENDING'),
  };
}
