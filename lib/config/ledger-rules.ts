/**
 * Stage 2 for `channels:` and `chaincodes:`: references between them and to members, and the
 * refusal of a chaincode sequence that would go back behind what is committed (Fabric refuses
 * it too, but only after every member has approved).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { displayPath, type ConfigIssue } from './issues';
import type { RawConsortiumFile, RawMemberFile } from './raw';

export function checkLedgerSections(consortium: RawConsortiumFile, members: readonly RawMemberFile[]): ConfigIssue[] {
  return [...checkChannels(consortium, members), ...checkChaincodes(consortium)];
}

function checkChannels({ source, raw }: RawConsortiumFile, members: readonly RawMemberFile[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const byName = new Map(members.map((member) => [member.name, member]));
  const founderKnown = raw.founder !== undefined && byName.has(raw.founder);
  (raw.channels ?? []).forEach((channel, index) => {
    if (!channel) return;
    const listed = (channel.members ?? []).filter((member): member is string => member !== undefined);
    listed.forEach((member, position) => {
      const file = byName.get(member);
      if (file && founderKnown && readable(file) && raw.founder !== member && file.raw.invitationId === undefined && file.raw.ledger?.memberId === undefined) {
        issues.push(source.issueAt(['channels', index, 'members', position], `"${member}" has not joined the network yet (no invitationId in ${file.source.file})`, 'members that have joined; add it once npm run accept-invitation recorded its invitation'));
      }
    });
    if (channel.creator !== undefined && !listed.includes(channel.creator)) {
      issues.push(source.issueAt(['channels', index, 'creator'], `"${channel.creator}" is not on the channel`, listed.join(', ')));
    }
    for (const [member, peer] of Object.entries(channel.anchorPeers ?? {})) {
      const file = byName.get(member);
      if (!listed.includes(member) || !file) {
        issues.push(source.issueAt(['channels', index, 'anchorPeers', member], `"${member}" is not on the channel`, listed.join(', ')));
        continue;
      }
      const peers = (file.raw.peers ?? []).map((candidate, position) => candidate?.name ?? `peer${position + 1}`);
      if (!peers.includes(peer)) {
        issues.push(source.issueAt(['channels', index, 'anchorPeers', member], `${member} has no peer "${peer}"`, peers.join(', ') || `none: add peers to ${file.source.file}`));
      }
    }
  });
  return issues;
}

/** A member file with syntax errors or an empty body says nothing about whether it joined. */
function readable(file: RawMemberFile): boolean {
  return file.source.syntaxIssues.length === 0 && Object.keys(file.raw).length > 0;
}

function checkChaincodes({ source, raw }: RawConsortiumFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const channels = (raw.channels ?? []).filter((channel) => channel?.name !== undefined);
  const repositoryRoot = dirname(dirname(resolve(source.file)));
  const seen = new Set<string>();
  (raw.chaincodes ?? []).forEach((chaincode, index) => {
    if (!chaincode) return;
    const at = (...path: (string | number)[]) => ['chaincodes', index, ...path];
    const channel = channels.find((candidate) => candidate!.name === chaincode.channel);
    if (chaincode.channel !== undefined && !channel) {
      issues.push(source.issueAt(at('channel'), `"${chaincode.channel}" is not one of channels`, channels.map((candidate) => candidate!.name).join(', ') || 'none: declare the channel under channels'));
    }
    const key = `${chaincode.channel}/${chaincode.name}`;
    if (chaincode.name !== undefined && seen.has(key)) {
      issues.push(source.issueAt(at('name'), `chaincode "${chaincode.name}" is defined twice on ${chaincode.channel}`, 'one definition per chaincode and channel; raise its sequence to change it'));
    }
    seen.add(key);
    const recorded = chaincode.ledger?.sequence;
    if (chaincode.sequence !== undefined && recorded !== undefined) {
      if (chaincode.sequence < recorded) {
        issues.push(source.issueAt(at('sequence'), `${chaincode.sequence} is below the committed sequence ${recorded}; a lifecycle sequence never shrinks`, `${recorded} (no change) or ${recorded + 1} (a new definition)`));
      } else if (chaincode.sequence === recorded && chaincode.version !== undefined && chaincode.ledger?.version !== undefined && chaincode.version !== chaincode.ledger.version) {
        issues.push(source.issueAt(at('version'), `"${chaincode.version}" differs from the committed version "${chaincode.ledger.version}" at the same sequence ${recorded}`, `sequence ${recorded + 1} with the new version`));
      }
    }
    if (chaincode.path !== undefined) {
      const marker = (chaincode.language ?? 'node') === 'go' ? 'go.mod' : 'package.json';
      if (!existsSync(join(repositoryRoot, chaincode.path, marker))) {
        issues.push(source.issueAt(at('path'), `${chaincode.path} has no ${marker}`, `a ${chaincode.language ?? 'node'} chaincode directory relative to the folder that holds the members directory (${displayPath(repositoryRoot)})`));
      }
    }
    const channelMembers = (channel?.members ?? []).filter((member): member is string => member !== undefined);
    (chaincode.collections ?? []).forEach((collection, position) => {
      (collection?.members ?? []).forEach((member, memberIndex) => {
        if (member !== undefined && channel && !channelMembers.includes(member)) {
          issues.push(source.issueAt(at('collections', position, 'members', memberIndex), `"${member}" is not on channel ${chaincode.channel}`, channelMembers.join(', ')));
        }
      });
    });
  });
  return issues;
}
