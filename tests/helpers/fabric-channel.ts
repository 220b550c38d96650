/** The channel helpers live with the local Fabric network, where benchmarks reach them too. */
export { createChannelByHand, fabricCli } from '../../sim/fabric/channel';
