// Community objects define aliases (`NO_ADVERTISE` → 65535:65282) usable in BGPAdvertisements.
import type { IssueSink } from '../issues.js';
import type { Resource } from '../resource.js';
import type { CommunitySpec } from '../schema/metallb.js';
import type { BgpCommunity } from '../types.js';
import { parseCommunityValue } from './communities.js';

export function parseCommunityObject(
  resource: Resource,
  spec: CommunitySpec,
  aliases: Map<string, BgpCommunity>,
  owners: Map<string, string>,
  sink: IssueSink,
): void {
  (spec.communities ?? []).forEach((entry, i) => {
    const field = `spec.communities[${i}]`;
    const parsed = parseCommunityValue(entry.value);
    if (typeof parsed === 'string') {
      sink.error(resource, `${field}.value`, parsed);
      return;
    }
    if (!entry.name) {
      sink.error(resource, `${field}.name`, 'community alias name must not be empty');
      return;
    }
    const owner = owners.get(entry.name);
    if (owner !== undefined) {
      sink.error(
        resource,
        `${field}.name`,
        `duplicate definition of community alias "${entry.name}" (also in Community "${owner}")`,
      );
      return;
    }
    owners.set(entry.name, resource.name);
    aliases.set(entry.name, parsed);
  });
}
