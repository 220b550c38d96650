/** File beside the bundle in the voter's deployment package that holds the baked `VoterSettings`. */
export const SETTINGS_FILE = 'voter-settings.json';
