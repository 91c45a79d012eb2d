/**
 * Generated from Polder's OpenAPI document by `npm run generate:client` (scripts/generate-client.mjs).
 * Do not edit: change the route schemas and regenerate. test/clients/generated-types.test.ts fails
 * when this file and the routes disagree.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is up */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The database answers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                            failing: string[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format 0.0.4) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in; sets the session cookie used by the dashboard */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        username: string;
                        password: string;
                        organisation?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            kind: "user" | "apiKey";
                            id: string;
                            name: string;
                            role?: "admin" | "editor" | "viewer";
                            scopes: ("devices:read" | "devices:write" | "measurements:read" | "measurements:write" | "pipelines:read" | "pipelines:write" | "uplinks:read" | "uplinks:write" | "alerts:read" | "alerts:write" | "admin:read" | "admin:write")[];
                            platformAdmin: boolean;
                            organisation: {
                                id: string;
                                slug: string;
                                name: string;
                                /** @description Default retention of raw measurements, in days */
                                archiveDays: number;
                                settings: {
                                    [key: string]: unknown;
                                };
                                /** Format: date-time */
                                createdAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/organisations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organisations the signed-in user belongs to, with their role in each (an API key: its own) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                slug: string;
                                name: string;
                                role: ("admin" | "editor" | "viewer") | null;
                                /** @description The organisation of this session or key */
                                current: boolean;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/switch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move the signed-in session to another organisation the user is a member of: a new session cookie (and CSRF token), the old session ends. Not a member or unknown: the same 404. API keys: 403 SESSION_REQUIRED */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Organisation id or slug */
                        organisation: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            kind: "user" | "apiKey";
                            id: string;
                            name: string;
                            role?: "admin" | "editor" | "viewer";
                            scopes: ("devices:read" | "devices:write" | "measurements:read" | "measurements:write" | "pipelines:read" | "pipelines:write" | "uplinks:read" | "uplinks:write" | "alerts:read" | "alerts:write" | "admin:read" | "admin:write")[];
                            platformAdmin: boolean;
                            organisation: {
                                id: string;
                                slug: string;
                                name: string;
                                /** @description Default retention of raw measurements, in days */
                                archiveDays: number;
                                settings: {
                                    [key: string]: unknown;
                                };
                                /** Format: date-time */
                                createdAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is calling */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            kind: "user" | "apiKey";
                            id: string;
                            name: string;
                            role?: "admin" | "editor" | "viewer";
                            scopes: ("devices:read" | "devices:write" | "measurements:read" | "measurements:write" | "pipelines:read" | "pipelines:write" | "uplinks:read" | "uplinks:write" | "alerts:read" | "alerts:write" | "admin:read" | "admin:write")[];
                            platformAdmin: boolean;
                            organisation: {
                                id: string;
                                slug: string;
                                name: string;
                                /** @description Default retention of raw measurements, in days */
                                archiveDays: number;
                                settings: {
                                    [key: string]: unknown;
                                };
                                /** Format: date-time */
                                createdAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change the signed-in user's password */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        currentPassword: string;
                        newPassword: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/organisations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's organisation (all of them for a platform admin) */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                slug: string;
                                name: string;
                                /** @description Default retention of raw measurements, in days */
                                archiveDays: number;
                                settings: {
                                    [key: string]: unknown;
                                };
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create an organisation (platform admin) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description lower-case, digits, - and _ */
                        slug: string;
                        name: string;
                        archiveDays?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            slug: string;
                            name: string;
                            /** @description Default retention of raw measurements, in days */
                            archiveDays: number;
                            settings: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/organisations/{org}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One organisation */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Organisation id or slug */
                    org: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            slug: string;
                            name: string;
                            /** @description Default retention of raw measurements, in days */
                            archiveDays: number;
                            settings: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Rename an organisation or change its defaults */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Organisation id or slug */
                    org: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        archiveDays?: number;
                        settings?: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            slug: string;
                            name: string;
                            /** @description Default retention of raw measurements, in days */
                            archiveDays: number;
                            settings: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/organisations/{org}/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members and their roles */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Organisation id or slug */
                    org: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                username: string;
                                email: string | null;
                                role: "admin" | "editor" | "viewer";
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** With a password: create a new user in the organisation (201; a taken username is 409, whoever holds it). Without: invite that username (202 with an invitation the person accepts), whether or not the account exists */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Organisation id or slug */
                    org: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        username: string;
                        password?: string;
                        /** Format: email */
                        email?: string;
                        role: "admin" | "editor" | "viewer";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            username: string;
                            email: string | null;
                            role: "admin" | "editor" | "viewer";
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            role: "admin" | "editor" | "viewer";
                            username: string | null;
                            email: string | null;
                            /** Format: date-time */
                            expiresAt: string;
                            acceptedAt: string | null;
                            revokedAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            /** @description Shown in this response only; give it to the person invited */
                            token: string;
                            /** @description POST here (signed in, or with username and password) to accept */
                            acceptPath: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/organisations/{org}/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a user from the organisation (not its last admin: 409 LAST_ADMIN) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    org: string;
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a member's role; the organisation's last admin cannot be demoted (409 LAST_ADMIN) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    org: string;
                    userId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        role: "admin" | "editor" | "viewer";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            username: string;
                            email: string | null;
                            role: "admin" | "editor" | "viewer";
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/organisations/{org}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API keys (never their secrets) */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Organisation id or slug */
                    org: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                /** @description First characters of the secret */
                                prefix: string;
                                scopes: ("devices:read" | "devices:write" | "measurements:read" | "measurements:write" | "pipelines:read" | "pipelines:write" | "uplinks:read" | "uplinks:write" | "alerts:read" | "alerts:write" | "admin:read" | "admin:write")[];
                                expiresAt: string | null;
                                revokedAt: string | null;
                                lastUsedAt: string | null;
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create an API key; its secret is in this response only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Organisation id or slug */
                    org: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        scopes: ("devices:read" | "devices:write" | "measurements:read" | "measurements:write" | "pipelines:read" | "pipelines:write" | "uplinks:read" | "uplinks:write" | "alerts:read" | "alerts:write" | "admin:read" | "admin:write")[];
                        /** Format: date-time */
                        expiresAt?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            /** @description First characters of the secret */
                            prefix: string;
                            scopes: ("devices:read" | "devices:write" | "measurements:read" | "measurements:write" | "pipelines:read" | "pipelines:write" | "uplinks:read" | "uplinks:write" | "alerts:read" | "alerts:write" | "admin:read" | "admin:write")[];
                            expiresAt: string | null;
                            revokedAt: string | null;
                            lastUsedAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            secret: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/organisations/{org}/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    org: string;
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/organisations/{org}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Invitations (never their tokens) */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Organisation id or slug */
                    org: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                role: "admin" | "editor" | "viewer";
                                username: string | null;
                                email: string | null;
                                /** Format: date-time */
                                expiresAt: string;
                                acceptedAt: string | null;
                                revokedAt: string | null;
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Invite someone (an existing account or a new one) with a role; the token is in this response only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Organisation id or slug */
                    org: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        role: "admin" | "editor" | "viewer";
                        /** @description Only this account may accept */
                        username?: string;
                        /** Format: email */
                        email?: string;
                        /** @default 7 */
                        expiresInDays?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            role: "admin" | "editor" | "viewer";
                            username: string | null;
                            email: string | null;
                            /** Format: date-time */
                            expiresAt: string;
                            acceptedAt: string | null;
                            revokedAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        } & {
                            /** @description Shown in this response only; give it to the person invited */
                            token: string;
                            /** @description POST here (signed in, or with username and password) to accept */
                            acceptPath: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/organisations/{org}/invitations/{invitationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an invitation not yet accepted */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    org: string;
                    invitationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/invitations/{token}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept an invitation: signed in (session cookie), or with the username and password of an existing account, or with a new username and password (creates the account) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            /** @description Optional when signed in */
            requestBody: {
                content: {
                    "application/json": {
                        username?: string;
                        password?: string;
                        /** Format: email */
                        email?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            organisation: {
                                id: string;
                                slug: string;
                                name: string;
                            };
                            role: "admin" | "editor" | "viewer";
                            user: {
                                id: string;
                                username: string;
                            };
                            /** @description A new account was created */
                            created: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alerts, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                    /** @description Comma list: firing, acknowledged, resolved; `open` = firing,acknowledged */
                    status?: string;
                    /** @description device_offline, threshold, … */
                    kind?: string;
                    /** @description Device id or code: alerts about it or its datastreams (404 for an unknown device) */
                    device?: string;
                    severity?: "critical" | "warning" | "info";
                    /** @description Subject id (a device id, …) */
                    subject?: string;
                    /** @description Rule id (alerts of kind rule) */
                    rule?: string;
                    /** @description Opened at or after (RFC 3339) */
                    from?: string;
                    /** @description Opened before (RFC 3339) */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description device_offline, threshold, … */
                                kind: string;
                                severity: "critical" | "warning" | "info";
                                status: "firing" | "acknowledged" | "resolved";
                                subject: {
                                    type: string;
                                    id: string;
                                    name: string | null;
                                };
                                message: string;
                                details: {
                                    [key: string]: unknown;
                                };
                                /** Format: date-time */
                                openedAt: string;
                                acknowledgedAt: string | null;
                                acknowledgedBy: string | null;
                                acknowledgedComment: string | null;
                                resolvedAt: string | null;
                                /** Format: date-time */
                                updatedAt: string;
                                rule: {
                                    id: string;
                                    name: string;
                                } | null;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One alert */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description device_offline, threshold, … */
                            kind: string;
                            severity: "critical" | "warning" | "info";
                            status: "firing" | "acknowledged" | "resolved";
                            subject: {
                                type: string;
                                id: string;
                                name: string | null;
                            };
                            message: string;
                            details: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            openedAt: string;
                            acknowledgedAt: string | null;
                            acknowledgedBy: string | null;
                            acknowledgedComment: string | null;
                            resolvedAt: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            rule: {
                                id: string;
                                name: string;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge a firing alert (it stays open until its cause goes), with an optional comment */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            /** @description Optional */
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description device_offline, threshold, … */
                            kind: string;
                            severity: "critical" | "warning" | "info";
                            status: "firing" | "acknowledged" | "resolved";
                            subject: {
                                type: string;
                                id: string;
                                name: string | null;
                            };
                            message: string;
                            details: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            openedAt: string;
                            acknowledgedAt: string | null;
                            acknowledgedBy: string | null;
                            acknowledgedComment: string | null;
                            resolvedAt: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            rule: {
                                id: string;
                                name: string;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhooks */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                url: string;
                                /** @description Events sent; empty means all */
                                events: ("alert.opened" | "alert.acknowledged" | "alert.resolved" | "alert.repeated")[];
                                enabled: boolean;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a webhook: alert events are POSTed to it as JSON, retried with backoff */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @description http:// or https:// URL that receives JSON POSTs */
                        url: string;
                        events?: ("alert.opened" | "alert.acknowledged" | "alert.resolved" | "alert.repeated")[];
                        enabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            url: string;
                            /** @description Events sent; empty means all */
                            events: ("alert.opened" | "alert.acknowledged" | "alert.resolved" | "alert.repeated")[];
                            enabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            url: string;
                            /** @description Events sent; empty means all */
                            events: ("alert.opened" | "alert.acknowledged" | "alert.resolved" | "alert.repeated")[];
                            enabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a webhook */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a webhook */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        /** @description http:// or https:// URL that receives JSON POSTs */
                        url?: string;
                        events?: ("alert.opened" | "alert.acknowledged" | "alert.resolved" | "alert.repeated")[];
                        enabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            url: string;
                            /** @description Events sent; empty means all */
                            events: ("alert.opened" | "alert.acknowledged" | "alert.resolved" | "alert.repeated")[];
                            enabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a test event to a webhook now and answer what the receiver said (not queued, not retried) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The receiver answered 2xx */
                            delivered: boolean;
                            status: number | null;
                            error: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recent deliveries of a webhook, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                event: string;
                                /** @description pending, delivered or failed */
                                status: string;
                                attempts: number;
                                /** Format: date-time */
                                nextAttemptAt: string;
                                lastError: string | null;
                                lastStatus: number | null;
                                /** Format: date-time */
                                createdAt: string;
                                deliveredAt: string | null;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sites of the organisation (the default one is created with the organisation) */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                slug: string;
                                name: string;
                                description: string | null;
                                latitude: number | null;
                                longitude: number | null;
                                timeZone: string | null;
                                /** @description Devices of the default site publish under <building>/<room>, others under abroad/<site>/… */
                                isDefault: boolean;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a site; isDefault moves the default flag to it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description lower-case letters, digits, . _ - (one MQTT topic level) */
                        slug: string;
                        name: string;
                        description?: string | null;
                        latitude?: number | null;
                        longitude?: number | null;
                        timeZone?: string | null;
                        isDefault?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            slug: string;
                            name: string;
                            description: string | null;
                            latitude: number | null;
                            longitude: number | null;
                            timeZone: string | null;
                            /** @description Devices of the default site publish under <building>/<room>, others under abroad/<site>/… */
                            isDefault: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One site */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            slug: string;
                            name: string;
                            description: string | null;
                            latitude: number | null;
                            longitude: number | null;
                            timeZone: string | null;
                            /** @description Devices of the default site publish under <building>/<room>, others under abroad/<site>/… */
                            isDefault: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a site with its buildings and rooms (refused while devices are there, or if it is the default) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a site; a new slug or default flag recomputes the base topics of its devices */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description lower-case letters, digits, . _ - (one MQTT topic level) */
                        slug?: string;
                        name?: string;
                        description?: string | null;
                        latitude?: number | null;
                        longitude?: number | null;
                        timeZone?: string | null;
                        isDefault?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            slug: string;
                            name: string;
                            description: string | null;
                            latitude: number | null;
                            longitude: number | null;
                            timeZone: string | null;
                            /** @description Devices of the default site publish under <building>/<room>, others under abroad/<site>/… */
                            isDefault: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/buildings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Buildings, optionally of one site */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                    /** @description Site id or slug */
                    site?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description Site slug */
                                site: string;
                                siteId: string;
                                slug: string;
                                name: string;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a building in a site (the default site when none is named) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Site id or slug */
                        site?: string;
                        /** @description lower-case letters, digits, . _ - (one MQTT topic level) */
                        slug: string;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description Site slug */
                            site: string;
                            siteId: string;
                            slug: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/buildings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One building, by id or slug (add ?site= when the slug exists in several sites) */
        get: {
            parameters: {
                query?: {
                    /** @description Site id or slug */
                    site?: string;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description Site slug */
                            site: string;
                            siteId: string;
                            slug: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a building and its rooms (refused while devices are there) */
        delete: {
            parameters: {
                query?: {
                    /** @description Site id or slug */
                    site?: string;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a building; a new slug recomputes the base topics of its devices */
        patch: {
            parameters: {
                query?: {
                    /** @description Site id or slug */
                    site?: string;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description lower-case letters, digits, . _ - (one MQTT topic level) */
                        slug?: string;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description Site slug */
                            site: string;
                            siteId: string;
                            slug: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/rooms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Rooms, optionally of one site or building */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                    /** @description Site id or slug */
                    site?: string;
                    /** @description Building id or slug */
                    building?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description Site slug */
                                site: string;
                                siteId: string;
                                /** @description Building slug */
                                building: string;
                                buildingId: string;
                                slug: string;
                                name: string;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a room in a building (named by id, or by slug within the site, default site when none) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Site id or slug */
                        site?: string;
                        /** @description Building id or slug */
                        building: string;
                        /** @description lower-case letters, digits, . _ - (one MQTT topic level) */
                        slug: string;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description Site slug */
                            site: string;
                            siteId: string;
                            /** @description Building slug */
                            building: string;
                            buildingId: string;
                            slug: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rooms/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One room, by id or slug (add ?building= and ?site= when the slug is not unique) */
        get: {
            parameters: {
                query?: {
                    /** @description Site id or slug */
                    site?: string;
                    /** @description Building id or slug */
                    building?: string;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description Site slug */
                            site: string;
                            siteId: string;
                            /** @description Building slug */
                            building: string;
                            buildingId: string;
                            slug: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a room (refused while devices are there) */
        delete: {
            parameters: {
                query?: {
                    /** @description Site id or slug */
                    site?: string;
                    /** @description Building id or slug */
                    building?: string;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a room; a new slug recomputes the base topics of its devices */
        patch: {
            parameters: {
                query?: {
                    /** @description Site id or slug */
                    site?: string;
                    /** @description Building id or slug */
                    building?: string;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description lower-case letters, digits, . _ - (one MQTT topic level) */
                        slug?: string;
                        name?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description Site slug */
                            site: string;
                            siteId: string;
                            /** @description Building slug */
                            building: string;
                            buildingId: string;
                            slug: string;
                            name: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/device-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Device types of the organisation */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                connectivity: "mqtt" | "lorawan" | "http" | "none";
                                description: string | null;
                                configSchema: {
                                    [key: string]: unknown;
                                };
                                modules: ({
                                    /** @description Module name: temperature, airquality, shutter … */
                                    module: string;
                                    /** @description neOCampus unit (driver) name, e.g. lcc_sensor */
                                    unit?: string;
                                    /** @description Seconds between publications */
                                    frequency?: number;
                                    params?: ({
                                        param: string;
                                        value: unknown;
                                    } & {
                                        [key: string]: unknown;
                                    })[];
                                } & {
                                    [key: string]: unknown;
                                })[];
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a device type: connectivity, config JSON Schema (2020-12) and default modules */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description e.g. rpi3, esp32, jetson_nano, lorawan-node */
                        name: string;
                        connectivity: "mqtt" | "lorawan" | "http" | "none";
                        description?: string | null;
                        /** @description JSON Schema (draft 2020-12) of config */
                        configSchema?: {
                            [key: string]: unknown;
                        };
                        /** @description Default modules served by /device/config */
                        modules?: ({
                            /** @description Module name: temperature, airquality, shutter … */
                            module: string;
                            /** @description neOCampus unit (driver) name, e.g. lcc_sensor */
                            unit?: string;
                            /** @description Seconds between publications */
                            frequency?: number;
                            params?: ({
                                param: string;
                                value: unknown;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            connectivity: "mqtt" | "lorawan" | "http" | "none";
                            description: string | null;
                            configSchema: {
                                [key: string]: unknown;
                            };
                            modules: ({
                                /** @description Module name: temperature, airquality, shutter … */
                                module: string;
                                /** @description neOCampus unit (driver) name, e.g. lcc_sensor */
                                unit?: string;
                                /** @description Seconds between publications */
                                frequency?: number;
                                params?: ({
                                    param: string;
                                    value: unknown;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/device-types/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One device type, by id or name */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            connectivity: "mqtt" | "lorawan" | "http" | "none";
                            description: string | null;
                            configSchema: {
                                [key: string]: unknown;
                            };
                            modules: ({
                                /** @description Module name: temperature, airquality, shutter … */
                                module: string;
                                /** @description neOCampus unit (driver) name, e.g. lcc_sensor */
                                unit?: string;
                                /** @description Seconds between publications */
                                frequency?: number;
                                params?: ({
                                    param: string;
                                    value: unknown;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a device type no device uses */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a device type (a new schema applies to the next write of each device) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description e.g. rpi3, esp32, jetson_nano, lorawan-node */
                        name?: string;
                        connectivity?: "mqtt" | "lorawan" | "http" | "none";
                        description?: string | null;
                        /** @description JSON Schema (draft 2020-12) of config */
                        configSchema?: {
                            [key: string]: unknown;
                        };
                        /** @description Default modules served by /device/config */
                        modules?: ({
                            /** @description Module name: temperature, airquality, shutter … */
                            module: string;
                            /** @description neOCampus unit (driver) name, e.g. lcc_sensor */
                            unit?: string;
                            /** @description Seconds between publications */
                            frequency?: number;
                            params?: ({
                                param: string;
                                value: unknown;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            connectivity: "mqtt" | "lorawan" | "http" | "none";
                            description: string | null;
                            configSchema: {
                                [key: string]: unknown;
                            };
                            modules: ({
                                /** @description Module name: temperature, airquality, shutter … */
                                module: string;
                                /** @description neOCampus unit (driver) name, e.g. lcc_sensor */
                                unit?: string;
                                /** @description Seconds between publications */
                                frequency?: number;
                                params?: ({
                                    param: string;
                                    value: unknown;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            })[];
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Devices, filtered, sorted and paged */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                    /** @description Site id or slug */
                    site?: string;
                    /** @description Building id or slug (all sites unless site is given) */
                    building?: string;
                    /** @description Room id or slug */
                    room?: string;
                    /** @description Device type id or name */
                    type?: string;
                    state?: "online" | "offline" | "unknown" | "disabled";
                    enabled?: boolean;
                    /** @description kind:value (mac:24-0A-C4-02-8B-60) or a bare value in any notation */
                    identity?: string;
                    /** @description Text in code or description (case-insensitive) */
                    q?: string;
                    /** @description minLon,minLat,maxLon,maxLat (WGS 84 degrees) */
                    bbox?: string;
                    /** @description lat,lon: devices within radius metres of this point */
                    near?: string;
                    /** @description Metres, with near */
                    radius?: number;
                    /** @description JSON object the properties contain, e.g. {"floor":3} */
                    properties?: string;
                    sort?: "code" | "-code" | "createdAt" | "-createdAt" | "lastSeenAt" | "-lastSeenAt";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                code: string;
                                identity: {
                                    kind: string;
                                    value: string;
                                } | null;
                                type: string | null;
                                typeId: string | null;
                                connectivity: "mqtt" | "lorawan" | "http" | "none";
                                description: string | null;
                                location: {
                                    site: string | null;
                                    building: string | null;
                                    room: string | null;
                                    outdoor: string | null;
                                };
                                locationIds: {
                                    site: string | null;
                                    building: string | null;
                                    room: string | null;
                                };
                                baseTopic: string | null;
                                baseTopicOverride: boolean;
                                latitude: number | null;
                                longitude: number | null;
                                altitude: number | null;
                                locationDescription: string | null;
                                properties: {
                                    [key: string]: unknown;
                                };
                                config: {
                                    [key: string]: unknown;
                                };
                                enabled: boolean;
                                offlineAfter: number;
                                mqtt: {
                                    login: string;
                                    /** @description The password went out; the next /device/credentials call has none */
                                    passwordDelivered: boolean;
                                } | null;
                                state: string;
                                lastSeenAt: string | null;
                                lastStatus: unknown;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Register a device; its config is validated against its type's schema */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Unique in the organisation, e.g. rpi3-u4-301 */
                        code: string;
                        /** @description Device type id or name */
                        type: string;
                        identity?: {
                            kind: "mac" | "deveui" | "uuid" | "serial";
                            /** @description Any notation; stored canonical */
                            value: string;
                        } | null;
                        description?: string | null;
                        location?: {
                            /** @description Site (default site when absent) id or slug */
                            site?: string;
                            /** @description Building id or slug */
                            building?: string;
                            /** @description Room id or slug */
                            room?: string;
                            /** @description Outdoor zone (excludes building and room): outside/<zone> */
                            outdoor?: string;
                        };
                        baseTopic?: string | null;
                        latitude?: number | null;
                        longitude?: number | null;
                        altitude?: number | null;
                        locationDescription?: string | null;
                        properties?: {
                            [key: string]: unknown;
                        };
                        /** @description Validated against the type's configSchema */
                        config?: {
                            [key: string]: unknown;
                        };
                        enabled?: boolean;
                        /** @description Seconds without news before offline */
                        offlineAfter?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            code: string;
                            identity: {
                                kind: string;
                                value: string;
                            } | null;
                            type: string | null;
                            typeId: string | null;
                            connectivity: "mqtt" | "lorawan" | "http" | "none";
                            description: string | null;
                            location: {
                                site: string | null;
                                building: string | null;
                                room: string | null;
                                outdoor: string | null;
                            };
                            locationIds: {
                                site: string | null;
                                building: string | null;
                                room: string | null;
                            };
                            baseTopic: string | null;
                            baseTopicOverride: boolean;
                            latitude: number | null;
                            longitude: number | null;
                            altitude: number | null;
                            locationDescription: string | null;
                            properties: {
                                [key: string]: unknown;
                            };
                            config: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            offlineAfter: number;
                            mqtt: {
                                login: string;
                                /** @description The password went out; the next /device/credentials call has none */
                                passwordDelivered: boolean;
                            } | null;
                            state: string;
                            lastSeenAt: string | null;
                            lastStatus: unknown;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One device, by id or code */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            code: string;
                            identity: {
                                kind: string;
                                value: string;
                            } | null;
                            type: string | null;
                            typeId: string | null;
                            connectivity: "mqtt" | "lorawan" | "http" | "none";
                            description: string | null;
                            location: {
                                site: string | null;
                                building: string | null;
                                room: string | null;
                                outdoor: string | null;
                            };
                            locationIds: {
                                site: string | null;
                                building: string | null;
                                room: string | null;
                            };
                            baseTopic: string | null;
                            baseTopicOverride: boolean;
                            latitude: number | null;
                            longitude: number | null;
                            altitude: number | null;
                            locationDescription: string | null;
                            properties: {
                                [key: string]: unknown;
                            };
                            config: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            offlineAfter: number;
                            mqtt: {
                                login: string;
                                /** @description The password went out; the next /device/credentials call has none */
                                passwordDelivered: boolean;
                            } | null;
                            state: string;
                            lastSeenAt: string | null;
                            lastStatus: unknown;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a device with its sensors and datastreams */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a device (enabled: false disables it); location is replaced as a whole */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Unique in the organisation, e.g. rpi3-u4-301 */
                        code?: string;
                        type?: string;
                        identity?: {
                            kind: "mac" | "deveui" | "uuid" | "serial";
                            /** @description Any notation; stored canonical */
                            value: string;
                        } | null;
                        description?: string | null;
                        location?: {
                            /** @description Site (default site when absent) id or slug */
                            site?: string;
                            /** @description Building id or slug */
                            building?: string;
                            /** @description Room id or slug */
                            room?: string;
                            /** @description Outdoor zone (excludes building and room): outside/<zone> */
                            outdoor?: string;
                        };
                        baseTopic?: string | null;
                        latitude?: number | null;
                        longitude?: number | null;
                        altitude?: number | null;
                        locationDescription?: string | null;
                        properties?: {
                            [key: string]: unknown;
                        };
                        /** @description Validated against the type's configSchema */
                        config?: {
                            [key: string]: unknown;
                        };
                        enabled?: boolean;
                        /** @description Seconds without news before offline */
                        offlineAfter?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            code: string;
                            identity: {
                                kind: string;
                                value: string;
                            } | null;
                            type: string | null;
                            typeId: string | null;
                            connectivity: "mqtt" | "lorawan" | "http" | "none";
                            description: string | null;
                            location: {
                                site: string | null;
                                building: string | null;
                                room: string | null;
                                outdoor: string | null;
                            };
                            locationIds: {
                                site: string | null;
                                building: string | null;
                                room: string | null;
                            };
                            baseTopic: string | null;
                            baseTopicOverride: boolean;
                            latitude: number | null;
                            longitude: number | null;
                            altitude: number | null;
                            locationDescription: string | null;
                            properties: {
                                [key: string]: unknown;
                            };
                            config: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            offlineAfter: number;
                            mqtt: {
                                login: string;
                                /** @description The password went out; the next /device/credentials call has none */
                                passwordDelivered: boolean;
                            } | null;
                            state: string;
                            lastSeenAt: string | null;
                            lastStatus: unknown;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/devices/{id}/credentials/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reset MQTT credentials: the old password fails at once, the next /device/credentials call gets a new one */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            code: string;
                            identity: {
                                kind: string;
                                value: string;
                            } | null;
                            type: string | null;
                            typeId: string | null;
                            connectivity: "mqtt" | "lorawan" | "http" | "none";
                            description: string | null;
                            location: {
                                site: string | null;
                                building: string | null;
                                room: string | null;
                                outdoor: string | null;
                            };
                            locationIds: {
                                site: string | null;
                                building: string | null;
                                room: string | null;
                            };
                            baseTopic: string | null;
                            baseTopicOverride: boolean;
                            latitude: number | null;
                            longitude: number | null;
                            altitude: number | null;
                            locationDescription: string | null;
                            properties: {
                                [key: string]: unknown;
                            };
                            config: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            offlineAfter: number;
                            mqtt: {
                                login: string;
                                /** @description The password went out; the next /device/credentials call has none */
                                passwordDelivered: boolean;
                            } | null;
                            state: string;
                            lastSeenAt: string | null;
                            lastStatus: unknown;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/devices/{id}/sensors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sensors of a device */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Device id or code */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                deviceId: string;
                                code: string;
                                externalId: string;
                                brand: string | null;
                                model: string | null;
                                description: string | null;
                                properties: {
                                    [key: string]: unknown;
                                };
                                archiveDays: number | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Add a sensor to a device (externalId defaults to code) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Device id or code */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Unique on the device */
                        code: string;
                        /** @description Key a decoder emits (channel, subID); default: code */
                        externalId?: string;
                        brand?: string | null;
                        model?: string | null;
                        description?: string | null;
                        properties?: {
                            [key: string]: unknown;
                        };
                        archiveDays?: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            deviceId: string;
                            code: string;
                            externalId: string;
                            brand: string | null;
                            model: string | null;
                            description: string | null;
                            properties: {
                                [key: string]: unknown;
                            };
                            archiveDays: number | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sensors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One sensor */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            deviceId: string;
                            code: string;
                            externalId: string;
                            brand: string | null;
                            model: string | null;
                            description: string | null;
                            properties: {
                                [key: string]: unknown;
                            };
                            archiveDays: number | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a sensor with its datastreams */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a sensor */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Unique on the device */
                        code?: string;
                        /** @description Key a decoder emits (channel, subID); default: code */
                        externalId?: string;
                        brand?: string | null;
                        model?: string | null;
                        description?: string | null;
                        properties?: {
                            [key: string]: unknown;
                        };
                        archiveDays?: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            deviceId: string;
                            code: string;
                            externalId: string;
                            brand: string | null;
                            model: string | null;
                            description: string | null;
                            properties: {
                                [key: string]: unknown;
                            };
                            archiveDays: number | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/sensors/{id}/datastreams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Datastreams of a sensor */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: number;
                                deviceId: string;
                                sensorId: string;
                                /** @description Sensor code */
                                sensor: string;
                                observedProperty: string;
                                /** @description UCUM code; empty for values without a unit */
                                unit: string;
                                /** @description What its values are: number, text, boolean or json (any JSON) */
                                valueKind: "number" | "text" | "boolean" | "json";
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/devices/{id}/datastreams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Datastreams of a device (all its sensors) */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Device id or code */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: number;
                                deviceId: string;
                                sensorId: string;
                                /** @description Sensor code */
                                sensor: string;
                                observedProperty: string;
                                /** @description UCUM code; empty for values without a unit */
                                unit: string;
                                /** @description What its values are: number, text, boolean or json (any JSON) */
                                valueKind: "number" | "text" | "boolean" | "json";
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datastreams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Datastreams, optionally of one device or sensor */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                    /** @description Device id or code */
                    device?: string;
                    /** @description Sensor id */
                    sensor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: number;
                                deviceId: string;
                                sensorId: string;
                                /** @description Sensor code */
                                sensor: string;
                                observedProperty: string;
                                /** @description UCUM code; empty for values without a unit */
                                unit: string;
                                /** @description What its values are: number, text, boolean or json (any JSON) */
                                valueKind: "number" | "text" | "boolean" | "json";
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a datastream by hand (the pipeline creates them on first measurement); with `derived`, a derived datastream and its definition in one call */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Sensor id; required, except with `derived`: then the sensor of the first input by default */
                        sensor?: string;
                        /** @description e.g. temperature */
                        observedProperty: string;
                        /** @description UCUM code, e.g. Cel */
                        unit: string;
                        /** @description How the datastream is computed from others (windowed aggregate, arithmetic, unit conversion) */
                        derived?: {
                            /** @description Names usable in the expression → input datastream ids, e.g. {"l1": 12, "l2": 13, "l3": 14} */
                            inputs: {
                                [key: string]: number;
                            };
                            window?: {
                                /** @description Tumbling window, UTC-aligned; divides a day (60, 300, 3600 …) */
                                seconds: number;
                                /** @description mean, min, max, stddev, sum, count, first, last */
                                aggregate: string;
                            } | null;
                            expression?: string | null;
                            convert?: {
                                /** @description UCUM unit, e.g. W */
                                from: string;
                                /** @description UCUM unit, e.g. kW */
                                to: string;
                            } | null;
                            /** @description A window is computed this long after its end (default 5) */
                            latenessSeconds?: number;
                            /** @description Compute this far back from stored input (default 0) */
                            backfillSeconds?: number;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            deviceId: string;
                            sensorId: string;
                            /** @description Sensor code */
                            sensor: string;
                            observedProperty: string;
                            /** @description UCUM code; empty for values without a unit */
                            unit: string;
                            /** @description What its values are: number, text, boolean or json (any JSON) */
                            valueKind: "number" | "text" | "boolean" | "json";
                            /** Format: date-time */
                            createdAt: string;
                            derived?: {
                                datastream: number;
                                /** @description Names usable in the expression → input datastream ids, e.g. {"l1": 12, "l2": 13, "l3": 14} */
                                inputs: {
                                    [key: string]: number;
                                };
                                window: {
                                    /** @description Tumbling window, UTC-aligned; divides a day (60, 300, 3600 …) */
                                    seconds: number;
                                    /** @description mean, min, max, stddev, sum, count, first, last */
                                    aggregate: string;
                                } | null;
                                expression: string | null;
                                convert: {
                                    /** @description UCUM unit, e.g. W */
                                    from: string;
                                    /** @description UCUM unit, e.g. kW */
                                    to: string;
                                } | null;
                                latenessSeconds: number;
                                backfillSeconds: number;
                                /** Format: date-time */
                                doneUntil: string;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datastreams/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One datastream */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: number;
                            deviceId: string;
                            sensorId: string;
                            /** @description Sensor code */
                            sensor: string;
                            observedProperty: string;
                            /** @description UCUM code; empty for values without a unit */
                            unit: string;
                            /** @description What its values are: number, text, boolean or json (any JSON) */
                            valueKind: "number" | "text" | "boolean" | "json";
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a datastream (its measurements are left to the retention job) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/device/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * MQTT credentials of a device, by identity; the password only on the first call after creation or reset
         * @description Exactly one of mac, deveui, uuid, serial, in any notation. 404 unknown identity, 403 disabled device, 409 DEVICE_NOT_MQTT (e.g. a LoRaWAN device). Identities are unique platform-wide, so one identity names one device.
         */
        get: {
            parameters: {
                query?: {
                    /** @description MAC address, e.g. 24:0a:c4:02:8b:60 */
                    mac?: string;
                    /** @description LoRaWAN DevEUI */
                    deveui?: string;
                    /** @description UUID */
                    uuid?: string;
                    /** @description Serial number */
                    serial?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            login: string;
                            /** @description Only on the first call after creation or reset */
                            password?: string;
                            /** @description MQTT broker host */
                            server: string;
                            port: number;
                            base_topic: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/device/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Configuration of the calling device (HTTP Basic: its MQTT login and password), neOCampus shape */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description topics[0] is the base topic */
                            topics: string[];
                            zones: {
                                topic: string;
                                modules: ({
                                    /** @description Module name: temperature, airquality, shutter … */
                                    module: string;
                                    /** @description neOCampus unit (driver) name, e.g. lcc_sensor */
                                    unit?: string;
                                    /** @description Seconds between publications */
                                    frequency?: number;
                                    params?: ({
                                        param: string;
                                        value: unknown;
                                    } & {
                                        [key: string]: unknown;
                                    })[];
                                } & {
                                    [key: string]: unknown;
                                })[];
                            }[];
                            /** @description The device's config as stored */
                            config: {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/measurements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Measurements by datastream, device, sensor or observed property and time range; raw or aggregated
         * @description Rows are ordered by datastream id, then time (`order`). With `interval`, each row is one bucket [time, time + interval) aligned to 1970-01-01T00:00:00Z, served from rollups; the range is widened to whole buckets. With `format=columnar`, each datastream of the page is one entry holding its times (Unix milliseconds) and values as two arrays. See docs/querying.md.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Datastream id; repeat the parameter or separate ids by commas for several */
                    datastream?: string[];
                    /** @description Device id or code: all its datastreams */
                    device?: string;
                    /** @description Sensor id: all its datastreams */
                    sensor?: string;
                    /** @description Only datastreams of this observed property */
                    observedProperty?: string;
                    /** @description RFC 3339 date-time, inclusive (e.g. 2024-05-01T00:00:00Z) */
                    start?: string;
                    /** @description RFC 3339 date-time, exclusive */
                    end?: string;
                    /** @description Time order within each datastream (datastreams come by ascending id) */
                    order?: "asc" | "desc";
                    /** @description Aggregate into buckets of this width (auto: the finest giving at most `limit` buckets) */
                    interval?: "1m" | "5m" | "15m" | "1h" | "1d" | "auto";
                    /** @description Aggregation function of each bucket (default avg); needs interval */
                    agg?: "avg" | "min" | "max" | "sum" | "count" | "first" | "last";
                    /** @description Rows per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                    /** @description rows: one object per row; columnar: one entry per datastream with its times (Unix ms) and values as arrays */
                    format?: "rows" | "columnar";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["MeasurementRow"][];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                            /** @description The interval used (what auto chose) */
                            interval?: string;
                        } | {
                            data: components["schemas"]["MeasurementSeries"][];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                            /** @description The interval used (what auto chose) */
                            interval?: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/measurements/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every row of a measurements query, streamed as CSV or NDJSON
         * @description Same filters as GET /api/measurements, no paging: the whole result in one response, in constant memory. Each row names its device (code), sensor (code), observed property and unit beside the datastream id, unless columns=minimal.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Datastream id; repeat the parameter or separate ids by commas for several */
                    datastream?: string[];
                    /** @description Device id or code: all its datastreams */
                    device?: string;
                    /** @description Sensor id: all its datastreams */
                    sensor?: string;
                    /** @description Only datastreams of this observed property */
                    observedProperty?: string;
                    /** @description RFC 3339 date-time, inclusive (e.g. 2024-05-01T00:00:00Z) */
                    start?: string;
                    /** @description RFC 3339 date-time, exclusive */
                    end?: string;
                    /** @description Time order within each datastream (datastreams come by ascending id) */
                    order?: "asc" | "desc";
                    /** @description Aggregate into buckets of this width (auto: the finest giving at most `limit` buckets) */
                    interval?: "1m" | "5m" | "15m" | "1h" | "1d" | "auto";
                    /** @description Aggregation function of each bucket (default avg); needs interval */
                    agg?: "avg" | "min" | "max" | "sum" | "count" | "first" | "last";
                    /** @description csv (with a header line) or ndjson */
                    format?: "csv" | "ndjson";
                    /** @description full: device, sensor, observedProperty and unit beside the datastream id; minimal: the id only */
                    columns?: "full" | "minimal";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The rows */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv; charset=utf-8": string;
                        "application/x-ndjson": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datastreams/{id}/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A datastream's most recent value (time and value null when it has none) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LatestValue"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/devices/{id}/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The most recent value of each of a device's datastreams */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: components["schemas"]["LatestValue"][];
                            links: {
                                next: null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live values of datastreams or of a device, as server-sent events
         * @description Give `datastream` (repeat or comma-separate) or `device`. Events: `event: measurement`, `data: {"datastream":…,"time":…,"value":…}`. A device's datastreams created later are included.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Datastream id(s) */
                    datastream?: string[];
                    /** @description Device id or code */
                    device?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description An endless event stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers/builtin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Built-in workers: provider envelopes and payload decoders */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                name: string;
                                /** @description envelope (provider) or decoder (payload) */
                                kind: string;
                                description: string;
                                /** @description JSON Schema of the step config */
                                configSchema: unknown;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** User scripts */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                language: "javascript" | "typescript";
                                description: string | null;
                                /** @description Current revision */
                                revision: number;
                                /** @description Source of the current revision */
                                source?: string;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a user script: a vendor decodeUplink codec as published, or a process(message) function */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Unique in the organisation; not a built-in name */
                        name: string;
                        language?: "javascript" | "typescript";
                        description?: string | null;
                        source: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            language: "javascript" | "typescript";
                            description: string | null;
                            /** @description Current revision */
                            revision: number;
                            /** @description Source of the current revision */
                            source?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user script with its current source */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            language: "javascript" | "typescript";
                            description: string | null;
                            /** @description Current revision */
                            revision: number;
                            /** @description Source of the current revision */
                            source?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a script and its revisions */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a script; a new source makes a new revision (pipelines use it from the next uplink) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Unique in the organisation; not a built-in name */
                        name?: string;
                        language?: "javascript" | "typescript";
                        description?: string | null;
                        source?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            language: "javascript" | "typescript";
                            description: string | null;
                            /** @description Current revision */
                            revision: number;
                            /** @description Source of the current revision */
                            source?: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/workers/{id}/revisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A script's revisions, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                revision: number;
                                language: "javascript" | "typescript";
                                source: string;
                                createdBy: string | null;
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workers/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a worker (a built-in by name, or a script) on a sample payload: output, logs, errors */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The sample payload: text, or base64/hex per `encoding`. */
                        payload: string;
                        /** @default text */
                        encoding?: "text" | "base64" | "hex";
                        fPort?: number;
                        /** @description MQTT topic the sample arrived on (neocampus uses it). */
                        topic?: string;
                        contentType?: string;
                        metadata?: {
                            [key: string]: unknown;
                        };
                        /** @description Unix ms; default now. */
                        receivedAt?: number;
                        /** @description Step config, as in a pipeline */
                        config?: unknown;
                        /** @description Script revision; default the current one */
                        revision?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The message after the step (payload as base64), or null when it failed */
                            output: unknown;
                            logs: {
                                level: string;
                                message: string;
                            }[];
                            errors: {
                                code: string;
                                message: string;
                                details?: unknown;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pipelines, by name */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                description: string;
                                status: "active" | "inactive";
                                steps: {
                                    /** @description A built-in worker (GET /api/workers/builtin) or a user script, by name or id */
                                    worker: string;
                                    /** @description Script revision; default the current one */
                                    revision?: number;
                                    /** @description The worker's config (its configSchema) */
                                    config?: {
                                        [key: string]: unknown;
                                    };
                                }[];
                                sources: {
                                    kind: "mqtt" | "amqp" | "http-poll" | "ftp-poll";
                                    /** @description mqtt: a topic filter (+ and # allowed) */
                                    topic?: string;
                                    /** @description mqtt: filters whose topics are left out */
                                    exclude?: string[];
                                    /** @description mqtt: take only messages of the organisation's devices, on their base topics */
                                    devicesOnly?: boolean;
                                    /** @description amqp: the queue consumed */
                                    queue?: string;
                                    /** @description amqp (default POLDER_AMQP_URL), http-poll, ftp-poll; a password in it is shown as *** */
                                    url?: string;
                                    /** @description http-poll, ftp-poll: seconds between polls, at least 1 */
                                    intervalSeconds?: number;
                                    /** @description http-poll: request headers; values are shown as *** */
                                    headers?: {
                                        [key: string]: string;
                                    };
                                    /** @description ftp-poll: glob of the file names taken (default all) */
                                    pattern?: string;
                                }[];
                                autoRegister: boolean;
                                deviceType: string | null;
                                /** @description Which traces keep the raw message: 'failures', 'sample' (failures and 1 in 100 others, default) or 'all' */
                                traceMessages: "failures" | "sample" | "all";
                                hasIngestToken: boolean;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a pipeline: its steps (workers) and sources, checked now */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Unique in the organisation */
                        name: string;
                        description?: string;
                        status?: "active" | "inactive";
                        /** @description Run in order; storing is the implicit last step */
                        steps: {
                            /** @description A built-in worker (GET /api/workers/builtin) or a user script, by name or id */
                            worker: string;
                            /** @description Script revision; default the current one */
                            revision?: number;
                            /** @description The worker's config (its configSchema) */
                            config?: {
                                [key: string]: unknown;
                            };
                        }[];
                        /** @description Besides POST /api/uplinks/{id}, always open */
                        sources?: {
                            kind: "mqtt" | "amqp" | "http-poll" | "ftp-poll";
                            /** @description mqtt: a topic filter (+ and # allowed) */
                            topic?: string;
                            /** @description mqtt: filters whose topics are left out */
                            exclude?: string[];
                            /** @description mqtt: take only messages of the organisation's devices, on their base topics */
                            devicesOnly?: boolean;
                            /** @description amqp: the queue consumed */
                            queue?: string;
                            /** @description amqp (default POLDER_AMQP_URL), http-poll, ftp-poll; a password in it is shown as *** */
                            url?: string;
                            /** @description http-poll, ftp-poll: seconds between polls, at least 1 */
                            intervalSeconds?: number;
                            /** @description http-poll: request headers; values are shown as *** */
                            headers?: {
                                [key: string]: string;
                            };
                            /** @description ftp-poll: glob of the file names taken (default all) */
                            pattern?: string;
                        }[];
                        /** @description Create unknown devices instead of failing their traces */
                        autoRegister?: boolean;
                        deviceType?: string | null;
                        /** @description Which traces keep the raw message: 'failures', 'sample' (failures and 1 in 100 others, default) or 'all' */
                        traceMessages?: "failures" | "sample" | "all";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            description: string;
                            status: "active" | "inactive";
                            steps: {
                                /** @description A built-in worker (GET /api/workers/builtin) or a user script, by name or id */
                                worker: string;
                                /** @description Script revision; default the current one */
                                revision?: number;
                                /** @description The worker's config (its configSchema) */
                                config?: {
                                    [key: string]: unknown;
                                };
                            }[];
                            sources: {
                                kind: "mqtt" | "amqp" | "http-poll" | "ftp-poll";
                                /** @description mqtt: a topic filter (+ and # allowed) */
                                topic?: string;
                                /** @description mqtt: filters whose topics are left out */
                                exclude?: string[];
                                /** @description mqtt: take only messages of the organisation's devices, on their base topics */
                                devicesOnly?: boolean;
                                /** @description amqp: the queue consumed */
                                queue?: string;
                                /** @description amqp (default POLDER_AMQP_URL), http-poll, ftp-poll; a password in it is shown as *** */
                                url?: string;
                                /** @description http-poll, ftp-poll: seconds between polls, at least 1 */
                                intervalSeconds?: number;
                                /** @description http-poll: request headers; values are shown as *** */
                                headers?: {
                                    [key: string]: string;
                                };
                                /** @description ftp-poll: glob of the file names taken (default all) */
                                pattern?: string;
                            }[];
                            autoRegister: boolean;
                            deviceType: string | null;
                            /** @description Which traces keep the raw message: 'failures', 'sample' (failures and 1 in 100 others, default) or 'all' */
                            traceMessages: "failures" | "sample" | "all";
                            hasIngestToken: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/pipelines/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A pipeline (by id or name) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            description: string;
                            status: "active" | "inactive";
                            steps: {
                                /** @description A built-in worker (GET /api/workers/builtin) or a user script, by name or id */
                                worker: string;
                                /** @description Script revision; default the current one */
                                revision?: number;
                                /** @description The worker's config (its configSchema) */
                                config?: {
                                    [key: string]: unknown;
                                };
                            }[];
                            sources: {
                                kind: "mqtt" | "amqp" | "http-poll" | "ftp-poll";
                                /** @description mqtt: a topic filter (+ and # allowed) */
                                topic?: string;
                                /** @description mqtt: filters whose topics are left out */
                                exclude?: string[];
                                /** @description mqtt: take only messages of the organisation's devices, on their base topics */
                                devicesOnly?: boolean;
                                /** @description amqp: the queue consumed */
                                queue?: string;
                                /** @description amqp (default POLDER_AMQP_URL), http-poll, ftp-poll; a password in it is shown as *** */
                                url?: string;
                                /** @description http-poll, ftp-poll: seconds between polls, at least 1 */
                                intervalSeconds?: number;
                                /** @description http-poll: request headers; values are shown as *** */
                                headers?: {
                                    [key: string]: string;
                                };
                                /** @description ftp-poll: glob of the file names taken (default all) */
                                pattern?: string;
                            }[];
                            autoRegister: boolean;
                            deviceType: string | null;
                            /** @description Which traces keep the raw message: 'failures', 'sample' (failures and 1 in 100 others, default) or 'all' */
                            traceMessages: "failures" | "sample" | "all";
                            hasIngestToken: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a pipeline (its traces stay until retention) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a pipeline; a source value *** keeps the stored secret */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Unique in the organisation */
                        name?: string;
                        description?: string;
                        status?: "active" | "inactive";
                        /** @description Run in order; storing is the implicit last step */
                        steps?: {
                            /** @description A built-in worker (GET /api/workers/builtin) or a user script, by name or id */
                            worker: string;
                            /** @description Script revision; default the current one */
                            revision?: number;
                            /** @description The worker's config (its configSchema) */
                            config?: {
                                [key: string]: unknown;
                            };
                        }[];
                        /** @description Besides POST /api/uplinks/{id}, always open */
                        sources?: {
                            kind: "mqtt" | "amqp" | "http-poll" | "ftp-poll";
                            /** @description mqtt: a topic filter (+ and # allowed) */
                            topic?: string;
                            /** @description mqtt: filters whose topics are left out */
                            exclude?: string[];
                            /** @description mqtt: take only messages of the organisation's devices, on their base topics */
                            devicesOnly?: boolean;
                            /** @description amqp: the queue consumed */
                            queue?: string;
                            /** @description amqp (default POLDER_AMQP_URL), http-poll, ftp-poll; a password in it is shown as *** */
                            url?: string;
                            /** @description http-poll, ftp-poll: seconds between polls, at least 1 */
                            intervalSeconds?: number;
                            /** @description http-poll: request headers; values are shown as *** */
                            headers?: {
                                [key: string]: string;
                            };
                            /** @description ftp-poll: glob of the file names taken (default all) */
                            pattern?: string;
                        }[];
                        /** @description Create unknown devices instead of failing their traces */
                        autoRegister?: boolean;
                        deviceType?: string | null;
                        /** @description Which traces keep the raw message: 'failures', 'sample' (failures and 1 in 100 others, default) or 'all' */
                        traceMessages?: "failures" | "sample" | "all";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            description: string;
                            status: "active" | "inactive";
                            steps: {
                                /** @description A built-in worker (GET /api/workers/builtin) or a user script, by name or id */
                                worker: string;
                                /** @description Script revision; default the current one */
                                revision?: number;
                                /** @description The worker's config (its configSchema) */
                                config?: {
                                    [key: string]: unknown;
                                };
                            }[];
                            sources: {
                                kind: "mqtt" | "amqp" | "http-poll" | "ftp-poll";
                                /** @description mqtt: a topic filter (+ and # allowed) */
                                topic?: string;
                                /** @description mqtt: filters whose topics are left out */
                                exclude?: string[];
                                /** @description mqtt: take only messages of the organisation's devices, on their base topics */
                                devicesOnly?: boolean;
                                /** @description amqp: the queue consumed */
                                queue?: string;
                                /** @description amqp (default POLDER_AMQP_URL), http-poll, ftp-poll; a password in it is shown as *** */
                                url?: string;
                                /** @description http-poll, ftp-poll: seconds between polls, at least 1 */
                                intervalSeconds?: number;
                                /** @description http-poll: request headers; values are shown as *** */
                                headers?: {
                                    [key: string]: string;
                                };
                                /** @description ftp-poll: glob of the file names taken (default all) */
                                pattern?: string;
                            }[];
                            autoRegister: boolean;
                            deviceType: string | null;
                            /** @description Which traces keep the raw message: 'failures', 'sample' (failures and 1 in 100 others, default) or 'all' */
                            traceMessages: "failures" | "sample" | "all";
                            hasIngestToken: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/pipelines/{id}/ingest-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issue a new ingest token for POST /api/uplinks/{id}, replacing the previous one; shown only here */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Send as Authorization: Bearer <token>; shown once */
                            token: string;
                            pipeline: {
                                id: string;
                                name: string;
                                description: string;
                                status: "active" | "inactive";
                                steps: {
                                    /** @description A built-in worker (GET /api/workers/builtin) or a user script, by name or id */
                                    worker: string;
                                    /** @description Script revision; default the current one */
                                    revision?: number;
                                    /** @description The worker's config (its configSchema) */
                                    config?: {
                                        [key: string]: unknown;
                                    };
                                }[];
                                sources: {
                                    kind: "mqtt" | "amqp" | "http-poll" | "ftp-poll";
                                    /** @description mqtt: a topic filter (+ and # allowed) */
                                    topic?: string;
                                    /** @description mqtt: filters whose topics are left out */
                                    exclude?: string[];
                                    /** @description mqtt: take only messages of the organisation's devices, on their base topics */
                                    devicesOnly?: boolean;
                                    /** @description amqp: the queue consumed */
                                    queue?: string;
                                    /** @description amqp (default POLDER_AMQP_URL), http-poll, ftp-poll; a password in it is shown as *** */
                                    url?: string;
                                    /** @description http-poll, ftp-poll: seconds between polls, at least 1 */
                                    intervalSeconds?: number;
                                    /** @description http-poll: request headers; values are shown as *** */
                                    headers?: {
                                        [key: string]: string;
                                    };
                                    /** @description ftp-poll: glob of the file names taken (default all) */
                                    pattern?: string;
                                }[];
                                autoRegister: boolean;
                                deviceType: string | null;
                                /** @description Which traces keep the raw message: 'failures', 'sample' (failures and 1 in 100 others, default) or 'all' */
                                traceMessages: "failures" | "sample" | "all";
                                hasIngestToken: boolean;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Remove the ingest token */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Traces, newest first; status=failed lists the dead letters */
        get: {
            parameters: {
                query?: {
                    /** @description Pipeline id or name */
                    pipeline?: string;
                    /** @description Device id or code (404 for an unknown device) */
                    device?: string;
                    /** @description Received at or after */
                    start?: string;
                    /** @description Received before */
                    end?: string;
                    status?: "stored" | "skipped" | "retrying" | "failed";
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                /** @description The message id (UUIDv7), returned by the transport as traceId */
                                id: string;
                                pipelineId: string;
                                deviceId: string | null;
                                status: "stored" | "skipped" | "retrying" | "failed";
                                /** Format: date-time */
                                receivedAt: string;
                                /** Format: date-time */
                                finishedAt: string;
                                attempts: number;
                                transport: {
                                    kind: string;
                                    topic?: string;
                                    contentType?: string;
                                    path?: string;
                                } & {
                                    [key: string]: unknown;
                                };
                                steps: {
                                    worker: string;
                                    /** Format: date-time */
                                    startedAt: string;
                                    durationMs: number;
                                    error?: {
                                        code: string;
                                        message: string;
                                        step?: number;
                                    };
                                    logs?: {
                                        level: string;
                                        message: string;
                                    }[];
                                }[];
                                error: {
                                    code: string;
                                    message: string;
                                    step?: number;
                                } | null;
                                /** @description Measurements stored by this uplink */
                                measurements: number;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A trace with its steps, error, transport and the raw payload */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The message id (UUIDv7), returned by the transport as traceId */
                            id: string;
                            pipelineId: string;
                            deviceId: string | null;
                            status: "stored" | "skipped" | "retrying" | "failed";
                            /** Format: date-time */
                            receivedAt: string;
                            /** Format: date-time */
                            finishedAt: string;
                            attempts: number;
                            transport: {
                                kind: string;
                                topic?: string;
                                contentType?: string;
                                path?: string;
                            } & {
                                [key: string]: unknown;
                            };
                            steps: {
                                worker: string;
                                /** Format: date-time */
                                startedAt: string;
                                durationMs: number;
                                error?: {
                                    code: string;
                                    message: string;
                                    step?: number;
                                };
                                logs?: {
                                    level: string;
                                    message: string;
                                }[];
                            }[];
                            error: {
                                code: string;
                                message: string;
                                step?: number;
                            } | null;
                            /** @description Measurements stored by this uplink */
                            measurements: number;
                            /** @description Whether the raw message was kept (failures always; others per the pipeline's traceMessages) */
                            messageKept: boolean;
                            payload: {
                                /** @description The raw payload as received (the whole payload is null when not kept) */
                                base64: string;
                                text: string | null;
                                /** @description Bytes */
                                size: number;
                            } | null;
                            metadata: {
                                [key: string]: unknown;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a failed trace’s message through its pipeline again (same id); 409 unless failed */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The message id (UUIDv7), returned by the transport as traceId */
                            id: string;
                            pipelineId: string;
                            deviceId: string | null;
                            status: "stored" | "skipped" | "retrying" | "failed";
                            /** Format: date-time */
                            receivedAt: string;
                            /** Format: date-time */
                            finishedAt: string;
                            attempts: number;
                            transport: {
                                kind: string;
                                topic?: string;
                                contentType?: string;
                                path?: string;
                            } & {
                                [key: string]: unknown;
                            };
                            steps: {
                                worker: string;
                                /** Format: date-time */
                                startedAt: string;
                                durationMs: number;
                                error?: {
                                    code: string;
                                    message: string;
                                    step?: number;
                                };
                                logs?: {
                                    level: string;
                                    message: string;
                                }[];
                            }[];
                            error: {
                                code: string;
                                message: string;
                                step?: number;
                            } | null;
                            /** @description Measurements stored by this uplink */
                            measurements: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replay every failed trace that matches the filters (those of the list) */
        post: {
            parameters: {
                query?: {
                    /** @description Pipeline id or name */
                    pipeline?: string;
                    /** @description Device id or code (404 for an unknown device) */
                    device?: string;
                    /** @description Received at or after */
                    start?: string;
                    /** @description Received before */
                    end?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Traces queued again */
                            count: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/fleet/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Devices' state and last-seen time; with Accept: text/event-stream, their changes as server-sent events
         * @description JSON: `{"data":[{"id","state","enabled","lastSeenAt"}]}`. Event stream: `event: activity`, `data: {"devices":[…],"removed":[ids]}` with the devices whose state or last-seen time changed (looked at every 2 s), and a comment line every 15 s.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description or text/event-stream */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                state: "online" | "offline" | "unknown" | "disabled";
                                enabled: boolean;
                                lastSeenAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/devices/{id}/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Orders sent to a device, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                deviceId: string;
                                module: string;
                                order: string;
                                value?: unknown;
                                dest: string;
                                /** @description <base>/<module>/command; LoRaWAN over HTTP: ttn-v3:<application>/<device> or chirpstack-v4:<deveui>; over MQTT: the topic published on the provider broker */
                                topic: string;
                                /** @description Exactly what was published */
                                payload: string;
                                sentBy: {
                                    kind: string;
                                    id: string;
                                    name: string;
                                };
                                /** Format: date-time */
                                sentAt: string;
                                /** @description neOCampus: sent (the broker took it) or failed. LoRaWAN downlinks, as the network server reports: pending (published on its broker), queued, sent (by a gateway), acknowledged (by the device, confirmed downlinks), failed */
                                status: "pending" | "queued" | "sent" | "acknowledged" | "failed";
                                error: string | null;
                                /** @description LoRaWAN downlinks: each step of the fate, oldest first; empty for neOCampus orders */
                                history: {
                                    status: string;
                                    /** Format: date-time */
                                    at: string;
                                    /** @description e.g. published, http 200, down/queued, down/sent, down/ack, txack, ack */
                                    event: string;
                                    error?: string;
                                }[];
                                updatedAt: string | null;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Send an order: publishes {"dest","order","value"} to <base>/<module>/command (QoS 1) and logs it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Module the order goes to (one topic level); default device */
                        module?: string;
                        /** @description The order: built-in status, reboot, reinstall (reinstall resets the credentials first), or any other */
                        order: string;
                        /** @description Sent as "value" when given (e.g. a frequency in seconds) */
                        value?: unknown;
                        /** @description all, or a unitID; default: the unitID of its last status, else all */
                        dest?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            deviceId: string;
                            module: string;
                            order: string;
                            value?: unknown;
                            dest: string;
                            /** @description <base>/<module>/command; LoRaWAN over HTTP: ttn-v3:<application>/<device> or chirpstack-v4:<deveui>; over MQTT: the topic published on the provider broker */
                            topic: string;
                            /** @description Exactly what was published */
                            payload: string;
                            sentBy: {
                                kind: string;
                                id: string;
                                name: string;
                            };
                            /** Format: date-time */
                            sentAt: string;
                            /** @description neOCampus: sent (the broker took it) or failed. LoRaWAN downlinks, as the network server reports: pending (published on its broker), queued, sent (by a gateway), acknowledged (by the device, confirmed downlinks), failed */
                            status: "pending" | "queued" | "sent" | "acknowledged" | "failed";
                            error: string | null;
                            /** @description LoRaWAN downlinks: each step of the fate, oldest first; empty for neOCampus orders */
                            history: {
                                status: string;
                                /** Format: date-time */
                                at: string;
                                /** @description e.g. published, http 200, down/queued, down/sent, down/ack, txack, ack */
                                event: string;
                                error?: string;
                            }[];
                            updatedAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sites/{id}/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Devices of a site by state (online, offline, unknown, disabled) per building and room, and outdoors */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            site: {
                                id: string;
                                slug: string;
                                name: string;
                            };
                            counts: {
                                online: number;
                                offline: number;
                                unknown: number;
                                disabled: number;
                                total: number;
                            };
                            buildings: {
                                id: string;
                                slug: string;
                                name: string;
                                counts: {
                                    online: number;
                                    offline: number;
                                    unknown: number;
                                    disabled: number;
                                    total: number;
                                };
                                rooms: {
                                    id: string;
                                    slug: string;
                                    name: string;
                                    counts: {
                                        online: number;
                                        offline: number;
                                        unknown: number;
                                        disabled: number;
                                        total: number;
                                    };
                                }[];
                                /** @description Devices in the building but in no room */
                                withoutRoom: {
                                    online: number;
                                    offline: number;
                                    unknown: number;
                                    disabled: number;
                                    total: number;
                                } | null;
                            }[];
                            outside: {
                                counts: {
                                    online: number;
                                    offline: number;
                                    unknown: number;
                                    disabled: number;
                                    total: number;
                                };
                                zones: {
                                    zone: string;
                                    counts: {
                                        online: number;
                                        offline: number;
                                        unknown: number;
                                        disabled: number;
                                        total: number;
                                    };
                                }[];
                            } | null;
                            /** @description Devices of the site in no building and not outdoors */
                            unplaced: {
                                online: number;
                                offline: number;
                                unknown: number;
                                disabled: number;
                                total: number;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/devices/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import devices with their sensors (CSV or JSON): upsert by code; ?dryRun=true only reports
         * @description CSV columns: code, type, identity_kind, identity_value, description, site, building, room, outdoor, base_topic, latitude, longitude, altitude, location_description, enabled, offline_after, properties, config, sensors; properties, config and sensors cells hold JSON. JSON: an array of devices (the body of POST /api/devices plus sensors) or {"devices": [...]}. Nothing is written unless every row is valid: a dry run answers 200 with the row errors, an import with errors 400.
         */
        post: {
            parameters: {
                query?: {
                    dryRun?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "text/csv": string;
                    "application/json": {
                        /** @description Unique in the organisation, e.g. rpi3-u4-301 */
                        code: string;
                        type: string;
                        identity?: {
                            kind: "mac" | "deveui" | "uuid" | "serial";
                            /** @description Any notation; stored canonical */
                            value: string;
                        } | null;
                        description?: string | null;
                        location?: {
                            /** @description Site (default site when absent) id or slug */
                            site?: string;
                            /** @description Building id or slug */
                            building?: string;
                            /** @description Room id or slug */
                            room?: string;
                            /** @description Outdoor zone (excludes building and room): outside/<zone> */
                            outdoor?: string;
                        };
                        baseTopic?: string | null;
                        latitude?: number | null;
                        longitude?: number | null;
                        altitude?: number | null;
                        locationDescription?: string | null;
                        properties?: {
                            [key: string]: unknown;
                        };
                        /** @description Validated against the type's configSchema */
                        config?: {
                            [key: string]: unknown;
                        };
                        enabled?: boolean;
                        /** @description Seconds without news before offline */
                        offlineAfter?: number;
                        sensors?: {
                            /** @description Unique on the device */
                            code: string;
                            /** @description Key a decoder emits (channel, subID); default: code */
                            externalId?: string;
                            brand?: string | null;
                            model?: string | null;
                            description?: string | null;
                            properties?: {
                                [key: string]: unknown;
                            };
                            archiveDays?: number | null;
                        }[];
                    }[] | {
                        devices: {
                            /** @description Unique in the organisation, e.g. rpi3-u4-301 */
                            code: string;
                            type: string;
                            identity?: {
                                kind: "mac" | "deveui" | "uuid" | "serial";
                                /** @description Any notation; stored canonical */
                                value: string;
                            } | null;
                            description?: string | null;
                            location?: {
                                /** @description Site (default site when absent) id or slug */
                                site?: string;
                                /** @description Building id or slug */
                                building?: string;
                                /** @description Room id or slug */
                                room?: string;
                                /** @description Outdoor zone (excludes building and room): outside/<zone> */
                                outdoor?: string;
                            };
                            baseTopic?: string | null;
                            latitude?: number | null;
                            longitude?: number | null;
                            altitude?: number | null;
                            locationDescription?: string | null;
                            properties?: {
                                [key: string]: unknown;
                            };
                            /** @description Validated against the type's configSchema */
                            config?: {
                                [key: string]: unknown;
                            };
                            enabled?: boolean;
                            /** @description Seconds without news before offline */
                            offlineAfter?: number;
                            sensors?: {
                                /** @description Unique on the device */
                                code: string;
                                /** @description Key a decoder emits (channel, subID); default: code */
                                externalId?: string;
                                brand?: string | null;
                                model?: string | null;
                                description?: string | null;
                                properties?: {
                                    [key: string]: unknown;
                                };
                                archiveDays?: number | null;
                            }[];
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            dryRun: boolean;
                            total: number;
                            created: number;
                            updated: number;
                            errors: {
                                /** @description Device number in the input, from 1 (0: the whole file) */
                                row: number;
                                field: string;
                                message: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/devices/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export devices with their sensors as CSV or JSON, in the shape import takes */
        get: {
            parameters: {
                query?: {
                    format?: "csv" | "json";
                    /** @description Site id or slug */
                    site?: string;
                    /** @description Building id or slug (all sites unless site is given) */
                    building?: string;
                    /** @description Room id or slug */
                    room?: string;
                    /** @description Device type id or name */
                    type?: string;
                    state?: "online" | "offline" | "unknown" | "disabled";
                    enabled?: boolean;
                    /** @description kind:value (mac:24-0A-C4-02-8B-60) or a bare value in any notation */
                    identity?: string;
                    /** @description Text in code or description (case-insensitive) */
                    q?: string;
                    /** @description minLon,minLat,maxLon,maxLat (WGS 84 degrees) */
                    bbox?: string;
                    /** @description lat,lon: devices within radius metres of this point */
                    near?: string;
                    /** @description Metres, with near */
                    radius?: number;
                    /** @description JSON object the properties contain, e.g. {"floor":3} */
                    properties?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/csv, or application/json: an array of devices */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/uplinks/{pipelineId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send an uplink (any content type) into a pipeline (by id or name)
         * @description The body is stored as received and goes through the pipeline's steps. Answers 202 once it is durably in the inbox. Credentials: an API key with uplinks:write, or the pipeline's ingest token in x-ingest-token, Authorization: Bearer, or ?token= (webhooks that cannot set headers).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The pipeline's id or name */
                    pipelineId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Id of the uplink and of its trace */
                            traceId: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/uplinks/{pipelineId}/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send many uplinks in one request (NDJSON or a JSON array) into a pipeline (by id or name)
         * @description Each uplink goes through the pipeline on its own, as if posted alone to /api/uplinks/{pipelineId}: application/x-ndjson takes each non-empty line byte for byte, application/json an array whose elements become JSON bodies. Answers 202 once every accepted uplink is durably stored, with one result per uplink in order (a trace id, or the error of that uplink). At most 10000 uplinks and 16 MiB per request. Credentials as for one uplink.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The pipeline's id or name */
                    pipelineId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Uplinks accepted */
                            accepted: number;
                            /** @description One per uplink, in the order of the body */
                            results: ({
                                /** @description Id of the uplink and of its trace */
                                traceId: string;
                            } | {
                                error: {
                                    code: string;
                                    message: string;
                                };
                            })[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/device-types/{id}/downlink": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Downlink route of a LoRaWAN device type */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Device type id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            /** @description ttn-v3, chirpstack-v4 */
                            provider: string;
                            transport: string;
                            /** @description HTTP: the network server API base URL, e.g. https://eu1.cloud.thethings.network; MQTT: its broker, e.g. mqtts://eu1.cloud.thethings.network:8883 */
                            url: string;
                            username: string | null;
                            /** @description Always *** */
                            apiKey: string;
                            applicationId: string | null;
                            webhookId: string | null;
                            fPort: number;
                            confirmed: boolean;
                            /** @description A script with encodeDownlink(input) → {bytes, fPort?, warnings?, errors?} */
                            encoder: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Send orders to LoRaWAN devices of this type through TTN v3 or ChirpStack v4 (HTTP API or MQTT), encoded by encodeDownlink */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Device type id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description ttn-v3, chirpstack-v4 */
                        provider: string;
                        /** @description http, mqtt (default http): the provider's HTTP API or its MQTT broker */
                        transport?: string;
                        /** @description HTTP: the network server API base URL, e.g. https://eu1.cloud.thethings.network; MQTT: its broker, e.g. mqtts://eu1.cloud.thethings.network:8883 */
                        url: string;
                        username?: string | null;
                        /** @description TTN API key / ChirpStack API token; over MQTT the broker password (kept; shown as ***) */
                        apiKey?: string;
                        applicationId?: string | null;
                        webhookId?: string | null;
                        /** @description FPort when encodeDownlink gives none (default 1) */
                        fPort?: number;
                        /** @description Confirmed downlinks (default false) */
                        confirmed?: boolean;
                        /** @description A script with encodeDownlink(input) → {bytes, fPort?, warnings?, errors?} */
                        encoder: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            /** @description ttn-v3, chirpstack-v4 */
                            provider: string;
                            transport: string;
                            /** @description HTTP: the network server API base URL, e.g. https://eu1.cloud.thethings.network; MQTT: its broker, e.g. mqtts://eu1.cloud.thethings.network:8883 */
                            url: string;
                            username: string | null;
                            /** @description Always *** */
                            apiKey: string;
                            applicationId: string | null;
                            webhookId: string | null;
                            fPort: number;
                            confirmed: boolean;
                            /** @description A script with encodeDownlink(input) → {bytes, fPort?, warnings?, errors?} */
                            encoder: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /** Remove the downlink route */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Device type id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datastreams/{id}/derived": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How a derived datastream is computed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datastream: number;
                            /** @description Names usable in the expression → input datastream ids, e.g. {"l1": 12, "l2": 13, "l3": 14} */
                            inputs: {
                                [key: string]: number;
                            };
                            window: {
                                /** @description Tumbling window, UTC-aligned; divides a day (60, 300, 3600 …) */
                                seconds: number;
                                /** @description mean, min, max, stddev, sum, count, first, last */
                                aggregate: string;
                            } | null;
                            expression: string | null;
                            convert: {
                                /** @description UCUM unit, e.g. W */
                                from: string;
                                /** @description UCUM unit, e.g. kW */
                                to: string;
                            } | null;
                            latenessSeconds: number;
                            backfillSeconds: number;
                            /** Format: date-time */
                            doneUntil: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Make a datastream derived: computed continuously from others (windowed aggregate, arithmetic, unit conversion); changing the definition recomputes the stored series from the stored inputs */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            /** @description How the datastream is computed from others (windowed aggregate, arithmetic, unit conversion) */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Names usable in the expression → input datastream ids, e.g. {"l1": 12, "l2": 13, "l3": 14} */
                        inputs: {
                            [key: string]: number;
                        };
                        window?: {
                            /** @description Tumbling window, UTC-aligned; divides a day (60, 300, 3600 …) */
                            seconds: number;
                            /** @description mean, min, max, stddev, sum, count, first, last */
                            aggregate: string;
                        } | null;
                        expression?: string | null;
                        convert?: {
                            /** @description UCUM unit, e.g. W */
                            from: string;
                            /** @description UCUM unit, e.g. kW */
                            to: string;
                        } | null;
                        /** @description A window is computed this long after its end (default 5) */
                        latenessSeconds?: number;
                        /** @description Compute this far back from stored input (default 0) */
                        backfillSeconds?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datastream: number;
                            /** @description Names usable in the expression → input datastream ids, e.g. {"l1": 12, "l2": 13, "l3": 14} */
                            inputs: {
                                [key: string]: number;
                            };
                            window: {
                                /** @description Tumbling window, UTC-aligned; divides a day (60, 300, 3600 …) */
                                seconds: number;
                                /** @description mean, min, max, stddev, sum, count, first, last */
                                aggregate: string;
                            } | null;
                            expression: string | null;
                            convert: {
                                /** @description UCUM unit, e.g. W */
                                from: string;
                                /** @description UCUM unit, e.g. kW */
                                to: string;
                            } | null;
                            latenessSeconds: number;
                            backfillSeconds: number;
                            /** Format: date-time */
                            doneUntil: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /** Stop deriving a datastream (its stored values stay) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datastreams/{id}/forecast": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The forecast ahead with its interval, and the model that made it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datastream: number;
                            config: {
                                /** @description How far ahead (a whole number of steps, at most 1000) */
                                horizonSeconds: number;
                                /** @description Step of the forecast; the series is averaged per step (divides a day) */
                                stepSeconds: number;
                                trainingDays: number;
                                retrain: {
                                    deviations: number;
                                    windowSeconds: number;
                                };
                                z: number;
                            };
                            issuedAt: string | null;
                            data: {
                                /** Format: date-time */
                                time: string;
                                value: number;
                                lower: number;
                                upper: number;
                            }[];
                            model: {
                                version: number;
                                /** @description seasonal-naive, holt, holt-winters, ar-ridge */
                                kind: string;
                                period: number | null;
                                /** @description weekly, daily, or none (below two seasons of data) */
                                seasonality: string;
                                params: {
                                    [key: string]: unknown;
                                };
                                /** @description RMSE of the winner's back-test */
                                sigma: number;
                                backtest: {
                                    holdoutSteps: number;
                                    candidates: {
                                        kind: string;
                                        period?: number;
                                        mae: number;
                                        rmse: number;
                                    }[];
                                };
                                /** @description initial, deviations, reconfigured */
                                reason: string;
                                /** Format: date-time */
                                trainedAt: string;
                                /** Format: date-time */
                                trainedFrom: string;
                                /** Format: date-time */
                                trainedTo: string;
                                points: number;
                            } | null;
                            deviations: {
                                total: number;
                                sinceModel: number;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Configure a forecast of a datastream (Polder trains, back-tests and keeps it up to date) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description How far ahead (a whole number of steps, at most 1000) */
                        horizonSeconds: number;
                        /** @description Step of the forecast; the series is averaged per step (divides a day) */
                        stepSeconds: number;
                        /** @description Days of history the model is fitted on (default 14) */
                        trainingDays?: number;
                        retrain?: {
                            /** @description Retrain after this many deviations (default 3)… */
                            deviations?: number;
                            /** @description …within this window of data time (default max(horizon, 1 h)) */
                            windowSeconds?: number;
                        };
                        /** @description Interval half-width in back-test RMSEs (default 1.96) */
                        z?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datastream: number;
                            config: {
                                /** @description How far ahead (a whole number of steps, at most 1000) */
                                horizonSeconds: number;
                                /** @description Step of the forecast; the series is averaged per step (divides a day) */
                                stepSeconds: number;
                                trainingDays: number;
                                retrain: {
                                    deviations: number;
                                    windowSeconds: number;
                                };
                                z: number;
                            };
                            issuedAt: string | null;
                            data: {
                                /** Format: date-time */
                                time: string;
                                value: number;
                                lower: number;
                                upper: number;
                            }[];
                            model: {
                                version: number;
                                /** @description seasonal-naive, holt, holt-winters, ar-ridge */
                                kind: string;
                                period: number | null;
                                /** @description weekly, daily, or none (below two seasons of data) */
                                seasonality: string;
                                params: {
                                    [key: string]: unknown;
                                };
                                /** @description RMSE of the winner's back-test */
                                sigma: number;
                                backtest: {
                                    holdoutSteps: number;
                                    candidates: {
                                        kind: string;
                                        period?: number;
                                        mae: number;
                                        rmse: number;
                                    }[];
                                };
                                /** @description initial, deviations, reconfigured */
                                reason: string;
                                /** Format: date-time */
                                trainedAt: string;
                                /** Format: date-time */
                                trainedFrom: string;
                                /** Format: date-time */
                                trainedTo: string;
                                points: number;
                            } | null;
                            deviations: {
                                total: number;
                                sinceModel: number;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Stop forecasting a datastream (its log and models go too) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datastreams/{id}/forecast/log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prediction log: each completed step, its prediction, the value that came, the error, the model version (newest first) */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                /** Format: date-time */
                                time: string;
                                value: number;
                                lower: number;
                                upper: number;
                                actual: number;
                                error: number;
                                deviation: boolean;
                                modelVersion: number;
                                /** Format: date-time */
                                issuedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datastreams/{id}/forecast/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model versions, newest first (a new one after each retraining) */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path: {
                    /** @description Datastream id (an integer) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                version: number;
                                /** @description seasonal-naive, holt, holt-winters, ar-ridge */
                                kind: string;
                                period: number | null;
                                /** @description weekly, daily, or none (below two seasons of data) */
                                seasonality: string;
                                params: {
                                    [key: string]: unknown;
                                };
                                /** @description RMSE of the winner's back-test */
                                sigma: number;
                                backtest: {
                                    holdoutSteps: number;
                                    candidates: {
                                        kind: string;
                                        period?: number;
                                        mae: number;
                                        rmse: number;
                                    }[];
                                };
                                /** @description initial, deviations, reconfigured */
                                reason: string;
                                /** Format: date-time */
                                trainedAt: string;
                                /** Format: date-time */
                                trainedFrom: string;
                                /** Format: date-time */
                                trainedTo: string;
                                points: number;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Rules */
        get: {
            parameters: {
                query?: {
                    /** @description Items per page */
                    limit?: number;
                    /** @description Opaque cursor from links.next */
                    cursor?: string;
                    /** @description Include total, the number of items across all pages */
                    count?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                scope: {
                                    site?: string | null;
                                    building?: string | null;
                                    deviceType?: string | null;
                                    device?: string | null;
                                    /** @description All in the device's properties.tags */
                                    tags?: string[];
                                };
                                /** @description Observed property, e.g. temperature */
                                property: string;
                                condition: {
                                    /** @description threshold, rate, window, no-data, forecast-deviation */
                                    kind: string;
                                    /** @description >, >=, <, <=, outside, inside */
                                    op?: string;
                                    value?: number;
                                    min?: number;
                                    max?: number;
                                    /** @description threshold: held this long */
                                    forSeconds?: number;
                                    /** @description threshold: N of the last `window` values; forecast-deviation: N deviations */
                                    count?: number;
                                    /** @description threshold: of the last M values */
                                    window?: number;
                                    /** @description window: avg, min, max, sum, count */
                                    aggregate?: string;
                                    /** @description window / forecast-deviation: sliding window length */
                                    windowSeconds?: number;
                                    /** @description no-data: silence that fires */
                                    seconds?: number;
                                };
                                clear: {
                                    /** @description >, >=, <, <=, outside, inside */
                                    op: string;
                                    value?: number;
                                    min?: number;
                                    max?: number;
                                } | null;
                                severity?: "critical" | "warning" | "info";
                                repeatSeconds: number | null;
                                actions: {
                                    /** @description alert, webhook, email, order */
                                    kind: string;
                                    webhook?: string;
                                    to?: string[];
                                    device?: string;
                                    module?: string;
                                    order?: string;
                                    value?: unknown;
                                    dest?: string;
                                }[];
                                enabled: boolean;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            links: {
                                next: string | null;
                            };
                            total?: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a rule, evaluated on every stored measurement of its property in its scope */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        scope?: {
                            site?: string | null;
                            building?: string | null;
                            deviceType?: string | null;
                            device?: string | null;
                            /** @description All in the device's properties.tags */
                            tags?: string[];
                        };
                        /** @description Observed property, e.g. temperature */
                        property: string;
                        condition: {
                            /** @description threshold, rate, window, no-data, forecast-deviation */
                            kind: string;
                            /** @description >, >=, <, <=, outside, inside */
                            op?: string;
                            value?: number;
                            min?: number;
                            max?: number;
                            /** @description threshold: held this long */
                            forSeconds?: number;
                            /** @description threshold: N of the last `window` values; forecast-deviation: N deviations */
                            count?: number;
                            /** @description threshold: of the last M values */
                            window?: number;
                            /** @description window: avg, min, max, sum, count */
                            aggregate?: string;
                            /** @description window / forecast-deviation: sliding window length */
                            windowSeconds?: number;
                            /** @description no-data: silence that fires */
                            seconds?: number;
                        };
                        clear?: {
                            /** @description >, >=, <, <=, outside, inside */
                            op: string;
                            value?: number;
                            min?: number;
                            max?: number;
                        } | null;
                        severity?: "critical" | "warning" | "info";
                        repeatSeconds?: number | null;
                        actions?: {
                            /** @description alert, webhook, email, order */
                            kind: string;
                            webhook?: string;
                            to?: string[];
                            device?: string;
                            module?: string;
                            order?: string;
                            value?: unknown;
                            dest?: string;
                        }[];
                        enabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            scope: {
                                site?: string | null;
                                building?: string | null;
                                deviceType?: string | null;
                                device?: string | null;
                                /** @description All in the device's properties.tags */
                                tags?: string[];
                            };
                            /** @description Observed property, e.g. temperature */
                            property: string;
                            condition: {
                                /** @description threshold, rate, window, no-data, forecast-deviation */
                                kind: string;
                                /** @description >, >=, <, <=, outside, inside */
                                op?: string;
                                value?: number;
                                min?: number;
                                max?: number;
                                /** @description threshold: held this long */
                                forSeconds?: number;
                                /** @description threshold: N of the last `window` values; forecast-deviation: N deviations */
                                count?: number;
                                /** @description threshold: of the last M values */
                                window?: number;
                                /** @description window: avg, min, max, sum, count */
                                aggregate?: string;
                                /** @description window / forecast-deviation: sliding window length */
                                windowSeconds?: number;
                                /** @description no-data: silence that fires */
                                seconds?: number;
                            };
                            clear: {
                                /** @description >, >=, <, <=, outside, inside */
                                op: string;
                                value?: number;
                                min?: number;
                                max?: number;
                            } | null;
                            severity?: "critical" | "warning" | "info";
                            repeatSeconds: number | null;
                            actions: {
                                /** @description alert, webhook, email, order */
                                kind: string;
                                webhook?: string;
                                to?: string[];
                                device?: string;
                                module?: string;
                                order?: string;
                                value?: unknown;
                                dest?: string;
                            }[];
                            enabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One rule */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            scope: {
                                site?: string | null;
                                building?: string | null;
                                deviceType?: string | null;
                                device?: string | null;
                                /** @description All in the device's properties.tags */
                                tags?: string[];
                            };
                            /** @description Observed property, e.g. temperature */
                            property: string;
                            condition: {
                                /** @description threshold, rate, window, no-data, forecast-deviation */
                                kind: string;
                                /** @description >, >=, <, <=, outside, inside */
                                op?: string;
                                value?: number;
                                min?: number;
                                max?: number;
                                /** @description threshold: held this long */
                                forSeconds?: number;
                                /** @description threshold: N of the last `window` values; forecast-deviation: N deviations */
                                count?: number;
                                /** @description threshold: of the last M values */
                                window?: number;
                                /** @description window: avg, min, max, sum, count */
                                aggregate?: string;
                                /** @description window / forecast-deviation: sliding window length */
                                windowSeconds?: number;
                                /** @description no-data: silence that fires */
                                seconds?: number;
                            };
                            clear: {
                                /** @description >, >=, <, <=, outside, inside */
                                op: string;
                                value?: number;
                                min?: number;
                                max?: number;
                            } | null;
                            severity?: "critical" | "warning" | "info";
                            repeatSeconds: number | null;
                            actions: {
                                /** @description alert, webhook, email, order */
                                kind: string;
                                webhook?: string;
                                to?: string[];
                                device?: string;
                                module?: string;
                                order?: string;
                                value?: unknown;
                                dest?: string;
                            }[];
                            enabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a rule */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a rule (its evaluation state starts again; open alerts stay until cleared) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        scope?: {
                            site?: string | null;
                            building?: string | null;
                            deviceType?: string | null;
                            device?: string | null;
                            /** @description All in the device's properties.tags */
                            tags?: string[];
                        };
                        /** @description Observed property, e.g. temperature */
                        property?: string;
                        condition?: {
                            /** @description threshold, rate, window, no-data, forecast-deviation */
                            kind: string;
                            /** @description >, >=, <, <=, outside, inside */
                            op?: string;
                            value?: number;
                            min?: number;
                            max?: number;
                            /** @description threshold: held this long */
                            forSeconds?: number;
                            /** @description threshold: N of the last `window` values; forecast-deviation: N deviations */
                            count?: number;
                            /** @description threshold: of the last M values */
                            window?: number;
                            /** @description window: avg, min, max, sum, count */
                            aggregate?: string;
                            /** @description window / forecast-deviation: sliding window length */
                            windowSeconds?: number;
                            /** @description no-data: silence that fires */
                            seconds?: number;
                        };
                        clear?: {
                            /** @description >, >=, <, <=, outside, inside */
                            op: string;
                            value?: number;
                            min?: number;
                            max?: number;
                        } | null;
                        severity?: "critical" | "warning" | "info";
                        repeatSeconds?: number | null;
                        actions?: {
                            /** @description alert, webhook, email, order */
                            kind: string;
                            webhook?: string;
                            to?: string[];
                            device?: string;
                            module?: string;
                            order?: string;
                            value?: unknown;
                            dest?: string;
                        }[];
                        enabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            scope: {
                                site?: string | null;
                                building?: string | null;
                                deviceType?: string | null;
                                device?: string | null;
                                /** @description All in the device's properties.tags */
                                tags?: string[];
                            };
                            /** @description Observed property, e.g. temperature */
                            property: string;
                            condition: {
                                /** @description threshold, rate, window, no-data, forecast-deviation */
                                kind: string;
                                /** @description >, >=, <, <=, outside, inside */
                                op?: string;
                                value?: number;
                                min?: number;
                                max?: number;
                                /** @description threshold: held this long */
                                forSeconds?: number;
                                /** @description threshold: N of the last `window` values; forecast-deviation: N deviations */
                                count?: number;
                                /** @description threshold: of the last M values */
                                window?: number;
                                /** @description window: avg, min, max, sum, count */
                                aggregate?: string;
                                /** @description window / forecast-deviation: sliding window length */
                                windowSeconds?: number;
                                /** @description no-data: silence that fires */
                                seconds?: number;
                            };
                            clear: {
                                /** @description >, >=, <, <=, outside, inside */
                                op: string;
                                value?: number;
                                min?: number;
                                max?: number;
                            } | null;
                            severity?: "critical" | "warning" | "info";
                            repeatSeconds: number | null;
                            actions: {
                                /** @description alert, webhook, email, order */
                                kind: string;
                                webhook?: string;
                                to?: string[];
                                device?: string;
                                module?: string;
                                order?: string;
                                value?: unknown;
                                dest?: string;
                            }[];
                            enabled: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/rules/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replay stored values of a time range through the rule: when it would have fired and cleared (nobody is notified) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Id (or slug where the resource has one) */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date-time */
                        from: string;
                        /** Format: date-time */
                        to: string;
                        /** @description Only this datastream */
                        datastream?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            datastreams: number;
                            values: number;
                            truncated: boolean;
                            events: {
                                /** @description fired, repeated, cleared */
                                kind: string;
                                /** Format: date-time */
                                time: string;
                                datastreamId: number;
                                device: {
                                    id: string;
                                    code: string;
                                };
                                value: number | null;
                                observed: number | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alerts opened per interval, grouped by kind, rule, severity, site or device type */
        get: {
            parameters: {
                query: {
                    /** @description Bucket width: 15m, 1h, 1d … */
                    interval: string;
                    by: "kind" | "rule" | "severity" | "site" | "deviceType";
                    /** @description Opened at or after (RFC 3339); default 24 hours before `to` */
                    from?: string;
                    /** @description Opened before (RFC 3339); default now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            interval: string;
                            by: string;
                            /** Format: date-time */
                            from: string;
                            /** Format: date-time */
                            to: string;
                            buckets: {
                                /** Format: date-time */
                                time: string;
                                counts: {
                                    [key: string]: number;
                                };
                            }[];
                            totals: {
                                [key: string]: number;
                            };
                            truncated: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Error */
        Error: {
            error: {
                /** @description Stable code, listed in docs/errors.md */
                code: string;
                message: string;
                details?: {
                    [key: string]: unknown;
                };
            };
        };
        /** MeasurementRow */
        MeasurementRow: {
            /** @description Datastream id */
            datastream: number;
            /**
             * Format: date-time
             * @description RFC 3339 UTC with milliseconds; with an interval, the bucket start
             */
            time: string;
            /** @description The value (a number; text, a boolean or JSON for datastreams of those kinds), or the bucket aggregate */
            value: unknown;
        };
        /** MeasurementSeries */
        MeasurementSeries: {
            /** @description Datastream id */
            datastream: number;
            /** @description Unix milliseconds (UTC); with an interval, the bucket starts */
            time: number[];
            /** @description The values, one per time (as in MeasurementRow.value) */
            value: unknown[];
        };
        /** LatestValue */
        LatestValue: {
            datastream: number;
            device: string;
            sensor: string;
            observedProperty: string;
            /** @description UCUM code; empty for values without a unit */
            unit: string;
            /** @description What the datastream holds: number, text, boolean or json */
            valueKind: "number" | "text" | "boolean" | "json";
            time: string | null;
            /** @description A number, text, a boolean or JSON as the datastream holds; null when it has none */
            value: unknown;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
