export declare function chromiumPath(): string | undefined;
export declare const chromiumArgs: string[];
export declare function chromiumLaunchOptions(): { executablePath?: string; args: string[] };
