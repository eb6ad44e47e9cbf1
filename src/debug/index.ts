export { formatTape, printTape } from './print';
export { setProfiling, resetProfile, profileReport, profile, type ProfileReport, type ProfileRow } from './profile';
export { gradcheck, type GradcheckOptions } from './gradcheck';
export { setDebug, leakReport, NonFiniteError, type DebugOptions, type LeakEntry } from './anomaly';
