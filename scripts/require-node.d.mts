export declare const REQUIRED_MAJOR: number;
export declare const NODE_PACKAGES: Record<string, string>;
export declare function nodeProblem(o: { version: string; platform: string; arch: string; bundled: boolean }): string | undefined;
export declare function currentNodeProblem(): string | undefined;
