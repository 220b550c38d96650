/**
 * Time-driven status changes: resources leaving CREATING or DELETING, proposals and
 * invitations expiring, an accepting invitation completing once its member is AVAILABLE,
 * and a network disappearing with its last member. Applied lazily, before each request,
 * against the simulated clock, so advancing the clock is all it takes to move time on.
 */
import type { SimState, Transition } from './state';

interface Transitioning<S extends string> {
  readonly id: string;
  status: S;
  transition?: Transition<S>;
}

/**
 * Whether the real Fabric behind a network, member or node is up (`--fabric`): a resource
 * leaves CREATING only once it is `ready`, and becomes CREATE_FAILED when it `failed`.
 */
export type FabricReadiness = (kind: 'network' | 'member' | 'node', id: string) => 'ready' | 'pending' | 'failed';

export class Lifecycle {
  /** Earliest moment anything can change; requests before it skip the scan. Starts unknown. */
  private nextDue = Number.NEGATIVE_INFINITY;

  /** Records that something will change at `at`, so the scan runs once the clock gets there. */
  schedule(at: number): void {
    this.nextDue = Math.min(this.nextDue, at);
  }

  /** Applies every change due at `now`; returns whether the state changed. */
  settle(state: SimState, now: number, fabric?: FabricReadiness): boolean {
    if (now < this.nextDue) return false;
    let changed = false;
    let nextDue = Number.POSITIVE_INFINITY;
    const gate = <S extends string>(kind: 'network' | 'member' | 'node', resource: Transitioning<S>): boolean => {
      if (!fabric || resource.status !== 'CREATING') return due(resource);
      if (!resource.transition || resource.transition.at > now) return due(resource);
      const readiness = fabric(kind, resource.id);
      if (readiness === 'pending') {
        nextDue = now;
        return false;
      }
      if (readiness === 'failed') resource.transition = { ...resource.transition, to: 'CREATE_FAILED' as S };
      return due(resource);
    };
    const due = <S extends string>(resource: Transitioning<S>): boolean => {
      const transition = resource.transition;
      if (!transition) return false;
      if (transition.at > now) {
        nextDue = Math.min(nextDue, transition.at);
        return false;
      }
      resource.status = transition.to;
      delete resource.transition;
      changed = true;
      return true;
    };

    for (const network of Object.values(state.networks)) gate('network', network);
    for (const member of Object.values(state.members)) {
      if (!gate('member', member)) continue;
      const invitation = member.invitationId ? state.invitations[member.invitationId] : undefined;
      if (member.status === 'AVAILABLE' && invitation?.status === 'ACCEPTING') invitation.status = 'ACCEPTED';
      if (member.status === 'DELETED') closeNetworkIfEmpty(state, member.networkId);
    }
    for (const node of Object.values(state.nodes)) gate('node', node);
    for (const proposal of Object.values(state.proposals)) {
      if (proposal.status !== 'IN_PROGRESS') continue;
      if (proposal.expiresAt <= now) {
        proposal.status = 'EXPIRED';
        changed = true;
      } else {
        nextDue = Math.min(nextDue, proposal.expiresAt);
      }
    }
    for (const invitation of Object.values(state.invitations)) {
      if (invitation.status !== 'PENDING') continue;
      if (invitation.expiresAt <= now) {
        invitation.status = 'EXPIRED';
        changed = true;
      } else {
        nextDue = Math.min(nextDue, invitation.expiresAt);
      }
    }
    this.nextDue = nextDue;
    return changed;
  }
}

/** AMB deletes a network when its last member is deleted. */
function closeNetworkIfEmpty(state: SimState, networkId: string): void {
  const network = state.networks[networkId];
  if (!network || network.status === 'DELETED') return;
  const remaining = Object.values(state.members).some(
    (member) => member.networkId === networkId && member.status !== 'DELETED',
  );
  if (remaining) return;
  network.status = 'DELETED';
  delete network.transition;
}
