/** The text of THIRD_PARTY_NOTICES.md, from the installed AssemblyScript packages. */
export function notices(): string;
