package io.facesearch.accounts;

/** A tenant: sessions, faces, keys and settings belong to exactly one application. */
public record Application(
    String id, String organizationId, String name, String clientId, AppSettings settings) {}
