/// The OpenAPI 3.1 document served at `GET /v1/openapi.json`, kept in step with the routes by
/// `OpenAPITests` (a route missing here, or documented but absent, fails the suite).
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Hearth API",
    "version": "0.1.0",
    "description": "Hearth's API. Authenticate with 'Authorization: Bearer <access token or API key>' (POST /v1/auth/login). Every error is application/problem+json (RFC 9457); missing or bad credentials answer 401, a refusal 403, or 404 where the namespace is not visible to the caller."
  },
  "servers": [
    {
      "url": "https://127.0.0.1:7443"
    }
  ],
  "paths": {
    "/.well-known/jwks.json": {
      "get": {
        "operationId": "jwks",
        "summary": "The public keys that verify Hearth access tokens",
        "responses": {
          "200": {
            "description": "The public keys that verify Hearth access tokens",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JWKS"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/healthz": {
      "get": {
        "operationId": "healthz",
        "summary": "Liveness",
        "responses": {
          "200": {
            "description": "Liveness",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics (text exposition format)",
        "responses": {
          "200": {
            "description": "Prometheus metrics (text exposition format)",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/readyz": {
      "get": {
        "operationId": "readyz",
        "summary": "Readiness: 200 once the store is migrated and answers, else 503",
        "responses": {
          "200": {
            "description": "Readiness: 200 once the store is migrated and answers, else 503",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/admin/master-key": {
      "get": {
        "operationId": "getMasterKey",
        "summary": "The master key ring: key ids (never keys), what each seals, the rewrap job's progress",
        "description": "Permission: get on master-key (cluster-admins).",
        "parameters": [],
        "responses": {
          "200": {
            "description": "The ring's status",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MasterKeyStatus"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/admin/master-key/rotate": {
      "post": {
        "operationId": "rotateMasterKey",
        "summary": "Rotate the master key: a new current key; stored values are rewrapped in the background and the old key retired",
        "description": "Permission: rotate on master-key (cluster-admins). 409 when the ring was supplied (--master-key-file or HEARTH_MASTER_KEY): supply a new key together with the old ones and restart.",
        "parameters": [],
        "responses": {
          "202": {
            "description": "Rotated; rewrapping has started",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MasterKeyStatus"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/apikeys": {
      "get": {
        "operationId": "listAPIKeys",
        "summary": "List your API keys, or a service account's",
        "parameters": [
          {
            "name": "serviceAccount",
            "in": "query",
            "required": false,
            "description": "<namespace>/<name>",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "List your API keys, or a service account's",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/APIKeyList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "post": {
        "operationId": "createAPIKey",
        "summary": "Make an API key for yourself or a service account; the key is shown once",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CreateAPIKey"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Make an API key for yourself or a service account; the key is shown once",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/APIKey"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/apikeys/{id}": {
      "delete": {
        "operationId": "deleteAPIKey",
        "summary": "Revoke an API key",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The key id (12 hex characters)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "204": {
            "description": "Revoke an API key"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/audit": {
      "get": {
        "operationId": "readAudit",
        "summary": "Read the audit trail, newest first",
        "parameters": [
          {
            "name": "principal",
            "in": "query",
            "required": false,
            "description": "e.g. user:alice",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "verb",
            "in": "query",
            "required": false,
            "description": "e.g. delete or login",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "resource",
            "in": "query",
            "required": false,
            "description": "Resource type or API area",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namespace",
            "in": "query",
            "required": false,
            "description": "Namespace",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "decision",
            "in": "query",
            "required": false,
            "description": "allowed or denied",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "since",
            "in": "query",
            "required": false,
            "description": "RFC 3339 time or a duration ago (1h)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "until",
            "in": "query",
            "required": false,
            "description": "RFC 3339 time or a duration ago",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "before",
            "in": "query",
            "required": false,
            "description": "Entry id: the cursor from 'next'",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "1-1000, default 100",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Read the audit trail, newest first",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/auth/login": {
      "post": {
        "operationId": "login",
        "summary": "Log in with a username and password",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LoginRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Log in with a username and password",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenGrant"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          },
          "429": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/auth/logout": {
      "post": {
        "operationId": "logout",
        "summary": "End the caller's session",
        "responses": {
          "204": {
            "description": "End the caller's session"
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/auth/refresh": {
      "post": {
        "operationId": "refresh",
        "summary": "Exchange a refresh token for new tokens; reusing a spent one revokes the session",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/RefreshRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Exchange a refresh token for new tokens; reusing a spent one revokes the session",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenGrant"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/auth/token": {
      "post": {
        "operationId": "token",
        "summary": "Token endpoint: grant_type password, refresh_token or api_key",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/TokenRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Token endpoint: grant_type password, refresh_token or api_key",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenGrant"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          },
          "429": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/auth/whoami": {
      "get": {
        "operationId": "whoami",
        "summary": "Who the caller is",
        "responses": {
          "200": {
            "description": "Who the caller is",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WhoAmI"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/cluster": {
      "get": {
        "operationId": "getCluster",
        "summary": "Cluster id, CA fingerprint, version and store backend",
        "responses": {
          "200": {
            "description": "Cluster id, CA fingerprint, version and store backend",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ClusterInfo"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/cluster/ca.pem": {
      "get": {
        "operationId": "getClusterCA",
        "summary": "The cluster CA certificate (PEM)",
        "responses": {
          "200": {
            "description": "The cluster CA certificate (PEM)",
            "content": {
              "application/x-pem-file": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/namespaces": {
      "get": {
        "operationId": "listNamespaces",
        "summary": "List or watch namespaces",
        "parameters": [
          {
            "name": "labelSelector",
            "in": "query",
            "required": false,
            "description": "Label selector, e.g. app=web,tier!=db,env in (a,b),!legacy",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namePrefix",
            "in": "query",
            "required": false,
            "description": "Only names starting with this prefix",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size (1-5000, default 500)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5000
            }
          },
          {
            "name": "continue",
            "in": "query",
            "required": false,
            "description": "Token from the previous page",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "watch",
            "in": "query",
            "required": false,
            "description": "true: stream changes as Server-Sent Events instead of listing",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "revision",
            "in": "query",
            "required": false,
            "description": "With watch: stream changes after this store revision (410 if compacted)",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          },
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "With watch: same as revision (SSE reconnect)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of resources, or an SSE stream with watch=true",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceList"
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string",
                  "description": "events: id=<revision>, event=ADDED|MODIFIED|DELETED|error, data=WatchEvent JSON"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "410": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "post": {
        "operationId": "createNamespaces",
        "summary": "Create a namespace",
        "parameters": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}": {
      "get": {
        "operationId": "getNamespace",
        "summary": "Read a namespace",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "put": {
        "operationId": "replaceNamespace",
        "summary": "Create or replace a namespace",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchNamespace",
        "summary": "Merge-patch a namespace",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object",
                "description": "RFC 7396 merge patch of {name, labels, annotations, spec}; `version` is a precondition"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deleteNamespace",
        "summary": "Delete a namespace",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cascade",
            "in": "query",
            "required": false,
            "description": "Also delete everything that references it",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "version",
            "in": "query",
            "required": false,
            "description": "Only delete if the resource has this version",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "What was deleted, referrers first",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeleteResult"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/secrets": {
      "get": {
        "operationId": "listSecrets",
        "summary": "List a namespace's secrets: names and metadata, never values",
        "description": "Verb list on secrets.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The secrets",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SecretList"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/secrets/{name}": {
      "get": {
        "operationId": "readSecret",
        "summary": "Read a secret's value, the latest or ?version=N (verb read-value)",
        "description": "Verb read-value on secrets (viewers lack it). 404 for a deleted or pruned version, 410 for a destroyed one, 503 when this replica does not hold the master key that sealed it.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Secret name: letters, digits, '.', '_', '-' (1-253, starting with a letter or digit)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "version",
            "in": "query",
            "required": false,
            "description": "The version to read (default: the latest)",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The value",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SecretValue"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "410": {
            "$ref": "#/components/responses/Problem"
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "put": {
        "operationId": "writeSecret",
        "summary": "Write a new version of a secret ({value} or {valueBase64}; ?cas=N); answers metadata only",
        "description": "Verb update on secrets. Values are at most 64 KiB; the server keeps the last --secret-versions (10) versions.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Secret name: letters, digits, '.', '_', '-' (1-253, starting with a letter or digit)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cas",
            "in": "query",
            "required": false,
            "description": "Write only if the latest version is N (0: only if the secret does not exist)",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SecretWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The version written",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SecretWriteAnswer"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deleteSecret",
        "summary": "Soft-delete the latest version (?versions=1,2: those; ?destroy=true: remove the secret and every version)",
        "description": "Verb delete on secrets.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Secret name: letters, digits, '.', '_', '-' (1-253, starting with a letter or digit)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "versions",
            "in": "query",
            "required": false,
            "description": "Comma-separated versions (with destroy=true: destroy those)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "destroy",
            "in": "query",
            "required": false,
            "description": "true: destroy instead of soft-delete",
            "schema": {
              "type": "boolean"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The versions left",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SecretMetadata"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/secrets/{name}/destroy": {
      "post": {
        "operationId": "destroySecretVersions",
        "summary": "Destroy versions of a secret for good: their ciphertext is removed ({versions: [N...]})",
        "description": "Verb delete on secrets.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Secret name: letters, digits, '.', '_', '-' (1-253, starting with a letter or digit)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SecretVersions"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The versions",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SecretMetadata"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/secrets/{name}/undelete": {
      "post": {
        "operationId": "undeleteSecretVersions",
        "summary": "Undelete soft-deleted versions of a secret ({versions: [N...]})",
        "description": "Verb update on secrets.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Secret name: letters, digits, '.', '_', '-' (1-253, starting with a letter or digit)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SecretVersions"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The versions",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SecretMetadata"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/secrets/{name}/versions": {
      "get": {
        "operationId": "getSecretVersions",
        "summary": "A secret's metadata: every kept version, never a value",
        "description": "Verb get on secrets.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Secret name: letters, digits, '.', '_', '-' (1-253, starting with a letter or digit)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The versions",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SecretMetadata"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/services": {
      "get": {
        "operationId": "listServices",
        "summary": "List (or watch) services",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "labelSelector",
            "in": "query",
            "required": false,
            "description": "Label selector, e.g. app=web,tier!=db,env in (a,b),!legacy",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namePrefix",
            "in": "query",
            "required": false,
            "description": "Only names starting with this prefix",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size (1-5000, default 500)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5000
            }
          },
          {
            "name": "continue",
            "in": "query",
            "required": false,
            "description": "Token from the previous page",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "watch",
            "in": "query",
            "required": false,
            "description": "true: stream changes as Server-Sent Events instead of listing",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "revision",
            "in": "query",
            "required": false,
            "description": "With watch: stream changes after this store revision (410 if compacted)",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          },
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "With watch: same as revision (SSE reconnect)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of resources, or an SSE stream with watch=true",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceList"
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string",
                  "description": "events: id=<revision>, event=ADDED|MODIFIED|DELETED|error, data=WatchEvent JSON"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "410": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "post": {
        "operationId": "createService",
        "summary": "Create a service",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/services/{service}": {
      "get": {
        "operationId": "getService",
        "summary": "Read a service",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "put": {
        "operationId": "putService",
        "summary": "Create or replace a service",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchService",
        "summary": "Merge-patch a service",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object",
                "description": "RFC 7396 merge patch of {name, labels, annotations, spec}; `version` is a precondition"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deleteService",
        "summary": "Delete a service (?cascade=true deletes its instances)",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cascade",
            "in": "query",
            "required": false,
            "description": "Also delete everything that references it",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "version",
            "in": "query",
            "required": false,
            "description": "Only delete if the resource has this version",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "What was deleted, referrers first",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeleteResult"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/services/{service}/instances": {
      "get": {
        "operationId": "discoverInstances",
        "summary": "Discover a service's instances (?healthy=true, ?tag=, blocking with ?index=N&wait=30s)",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "healthy",
            "in": "query",
            "required": false,
            "description": "true: only passing and warning instances",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "tag",
            "in": "query",
            "required": false,
            "description": "Only instances with this tag",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "index",
            "in": "query",
            "required": false,
            "description": "Block until the service's index passes this",
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          },
          {
            "name": "wait",
            "in": "query",
            "required": false,
            "description": "How long to block (default 5m, at most 10m)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The instances",
            "headers": {
              "X-Hearth-Index": {
                "description": "The service's modify index",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Discovery"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/services/{service}/instances/{name}": {
      "get": {
        "operationId": "getInstance",
        "summary": "Read one instance of a service",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Instance id (DNS label, unique in the namespace)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The instance",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "put": {
        "operationId": "registerInstance",
        "summary": "Register (create or replace) an instance of a service; idempotent",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Instance id (DNS label, unique in the namespace)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/InstanceWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The instance",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "201": {
            "description": "The instance",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deregisterInstance",
        "summary": "Deregister an instance",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Instance id (DNS label, unique in the namespace)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Deleted",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeleteResult"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/services/{service}/instances/{name}/checks/{check}/{result}": {
      "put": {
        "operationId": "reportCheck",
        "summary": "Report a TTL check's result: pass, warn or fail (body: optional note, text/plain or {\"output\": ...})",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Instance id (DNS label, unique in the namespace)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "check",
            "in": "path",
            "required": true,
            "description": "The check's name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "result",
            "in": "path",
            "required": true,
            "description": "pass, warn or fail",
            "schema": {
              "type": "string",
              "enum": [
                "pass",
                "warn",
                "fail"
              ]
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "text/plain": {
              "schema": {
                "type": "string"
              }
            },
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "output": {
                    "type": "string"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The instance",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/services/{service}/status": {
      "put": {
        "operationId": "putServiceStatus",
        "summary": "Replace the status of a service",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/StatusWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchServiceStatus",
        "summary": "Merge-patch the status of a service",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "service",
            "in": "path",
            "required": true,
            "description": "Service name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/status": {
      "put": {
        "operationId": "replaceNamespaceStatus",
        "summary": "Replace the status of a namespace (controllers)",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/StatusWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchNamespaceStatus",
        "summary": "Merge-patch the status of a namespace (controllers)",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/{type}": {
      "get": {
        "operationId": "listNamespaced",
        "summary": "List or watch namespaced resources of a type",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "labelSelector",
            "in": "query",
            "required": false,
            "description": "Label selector, e.g. app=web,tier!=db,env in (a,b),!legacy",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namePrefix",
            "in": "query",
            "required": false,
            "description": "Only names starting with this prefix",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size (1-5000, default 500)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5000
            }
          },
          {
            "name": "continue",
            "in": "query",
            "required": false,
            "description": "Token from the previous page",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "watch",
            "in": "query",
            "required": false,
            "description": "true: stream changes as Server-Sent Events instead of listing",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "revision",
            "in": "query",
            "required": false,
            "description": "With watch: stream changes after this store revision (410 if compacted)",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          },
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "With watch: same as revision (SSE reconnect)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of resources, or an SSE stream with watch=true",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceList"
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string",
                  "description": "events: id=<revision>, event=ADDED|MODIFIED|DELETED|error, data=WatchEvent JSON"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "410": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "post": {
        "operationId": "createNamespaced",
        "summary": "Create a namespaced resource",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/{type}/{name}": {
      "get": {
        "operationId": "getNamespaced",
        "summary": "Read a namespaced resource",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "put": {
        "operationId": "replaceNamespaced",
        "summary": "Create or replace a namespaced resource",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchNamespaced",
        "summary": "Merge-patch a namespaced resource",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object",
                "description": "RFC 7396 merge patch of {name, labels, annotations, spec}; `version` is a precondition"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deleteNamespaced",
        "summary": "Delete a namespaced resource",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cascade",
            "in": "query",
            "required": false,
            "description": "Also delete everything that references it",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "version",
            "in": "query",
            "required": false,
            "description": "Only delete if the resource has this version",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "What was deleted, referrers first",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeleteResult"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/{type}/{name}/status": {
      "put": {
        "operationId": "replaceNamespacedStatus",
        "summary": "Replace the status of a namespaced resource (controllers)",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/StatusWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchNamespacedStatus",
        "summary": "Merge-patch the status of a namespaced resource (controllers)",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document",
        "responses": {
          "200": {
            "description": "This document",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/resource-types": {
      "get": {
        "operationId": "listResourceTypes",
        "summary": "Every resource type with its JSON schema",
        "responses": {
          "200": {
            "description": "Every resource type with its JSON schema",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceTypeList"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/setup": {
      "post": {
        "operationId": "setup",
        "summary": "Create the first admin with the one-time setup code (loopback only, within 30 minutes of the first start, once)",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SetupRequest"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Create the first admin with the one-time setup code (loopback only, within 30 minutes of the first start, once)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenGrant"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          },
          "429": {
            "$ref": "#/components/responses/Problem"
          }
        },
        "security": []
      }
    },
    "/v1/users": {
      "get": {
        "operationId": "listUsers",
        "summary": "List (or watch) users",
        "parameters": [
          {
            "name": "labelSelector",
            "in": "query",
            "required": false,
            "description": "Label selector, e.g. app=web,tier!=db,env in (a,b),!legacy",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namePrefix",
            "in": "query",
            "required": false,
            "description": "Only names starting with this prefix",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size (1-5000, default 500)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5000
            }
          },
          {
            "name": "continue",
            "in": "query",
            "required": false,
            "description": "Token from the previous page",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "watch",
            "in": "query",
            "required": false,
            "description": "true: stream changes as Server-Sent Events instead of listing",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "revision",
            "in": "query",
            "required": false,
            "description": "With watch: stream changes after this store revision (410 if compacted)",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          },
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "With watch: same as revision (SSE reconnect)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of resources, or an SSE stream with watch=true",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceList"
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string",
                  "description": "events: id=<revision>, event=ADDED|MODIFIED|DELETED|error, data=WatchEvent JSON"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "410": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "post": {
        "operationId": "createUser",
        "summary": "Create a user; the password is stored only as a hash",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/CreateUser"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Create a user; the password is stored only as a hash",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/users/{name}": {
      "get": {
        "operationId": "getUser",
        "summary": "Read a user",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "put": {
        "operationId": "putUser",
        "summary": "Create or replace a user (without a password)",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchUser",
        "summary": "Merge-patch a user, e.g. {\"spec\":{\"disabled\":true}}",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object",
                "description": "RFC 7396 merge patch of {name, labels, annotations, spec}; `version` is a precondition"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deleteUser",
        "summary": "Delete a user with its sessions, API keys and password",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cascade",
            "in": "query",
            "required": false,
            "description": "Also delete everything that references it",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "version",
            "in": "query",
            "required": false,
            "description": "Only delete if the resource has this version",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "What was deleted, referrers first",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeleteResult"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/users/{name}/password": {
      "post": {
        "operationId": "changePassword",
        "summary": "Change a password: your own with the current one, or any as an admin; ends the user's sessions",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Username",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PasswordChange"
              }
            }
          }
        },
        "responses": {
          "204": {
            "description": "Change a password: your own with the current one, or any as an admin; ends the user's sessions"
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/users/{name}/status": {
      "put": {
        "operationId": "putUserStatus",
        "summary": "Replace the status of a user",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/StatusWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchUserStatus",
        "summary": "Merge-patch the status of a user",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/{type}": {
      "get": {
        "operationId": "listCluster",
        "summary": "List or watch cluster resources of a type",
        "parameters": [
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "labelSelector",
            "in": "query",
            "required": false,
            "description": "Label selector, e.g. app=web,tier!=db,env in (a,b),!legacy",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "namePrefix",
            "in": "query",
            "required": false,
            "description": "Only names starting with this prefix",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size (1-5000, default 500)",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 5000
            }
          },
          {
            "name": "continue",
            "in": "query",
            "required": false,
            "description": "Token from the previous page",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "watch",
            "in": "query",
            "required": false,
            "description": "true: stream changes as Server-Sent Events instead of listing",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "revision",
            "in": "query",
            "required": false,
            "description": "With watch: stream changes after this store revision (410 if compacted)",
            "schema": {
              "type": "integer",
              "format": "int64"
            }
          },
          {
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "With watch: same as revision (SSE reconnect)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of resources, or an SSE stream with watch=true",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceList"
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string",
                  "description": "events: id=<revision>, event=ADDED|MODIFIED|DELETED|error, data=WatchEvent JSON"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "410": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "post": {
        "operationId": "createCluster",
        "summary": "Create a cluster resource",
        "parameters": [
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/{type}/{name}": {
      "get": {
        "operationId": "getCluster",
        "summary": "Read a cluster resource",
        "parameters": [
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "put": {
        "operationId": "replaceCluster",
        "summary": "Create or replace a cluster resource",
        "parameters": [
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "201": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchCluster",
        "summary": "Merge-patch a cluster resource",
        "parameters": [
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object",
                "description": "RFC 7396 merge patch of {name, labels, annotations, spec}; `version` is a precondition"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deleteCluster",
        "summary": "Delete a cluster resource",
        "parameters": [
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cascade",
            "in": "query",
            "required": false,
            "description": "Also delete everything that references it",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "version",
            "in": "query",
            "required": false,
            "description": "Only delete if the resource has this version",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "What was deleted, referrers first",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DeleteResult"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/{type}/{name}/status": {
      "put": {
        "operationId": "replaceClusterStatus",
        "summary": "Replace the status of a cluster resource (controllers)",
        "parameters": [
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/StatusWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "patch": {
        "operationId": "patchClusterStatus",
        "summary": "Merge-patch the status of a cluster resource (controllers)",
        "parameters": [
          {
            "name": "type",
            "in": "path",
            "required": true,
            "description": "Resource type (plural name), see GET /v1/resource-types",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Resource name (DNS label)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "Only apply if the resource has this version",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/merge-patch+json": {
              "schema": {
                "type": "object"
              }
            },
            "application/json": {
              "schema": {
                "type": "object"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The resource",
            "headers": {
              "ETag": {
                "description": "The resource version",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Resource"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "415": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/kv": {
      "get": {
        "operationId": "listKV",
        "summary": "List the namespace's keys (?keys) or entries (?recurse); blocking with ?index=N&wait=30s; ?watch=true streams changes",
        "description": "Verb list on kv.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "keys",
            "in": "query",
            "required": false,
            "description": "Treat the key as a prefix and list the keys under it",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "recurse",
            "in": "query",
            "required": false,
            "description": "Treat the key as a prefix and list the entries under it, values in base64",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "index",
            "in": "query",
            "required": false,
            "description": "Blocking read: answer at once if the key (or prefix) changed after this index, else hold until it changes or the wait ends",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "wait",
            "in": "query",
            "required": false,
            "description": "How long a blocking read may hold (default 5m, at most 10m); without index, a read of a missing key holds until it appears",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Listing: at most this many keys (1-10000)",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "after",
            "in": "query",
            "required": false,
            "description": "Listing: keys after this one (paging)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "watch",
            "in": "query",
            "required": false,
            "description": "Stream changes as Server-Sent Events (the key; with recurse, the prefix)",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "revision",
            "in": "query",
            "required": false,
            "description": "Watch: start after this KV revision (410 if compacted)",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The raw value (application/octet-stream); JSON metadata with ?meta; a JSON array of keys with ?keys; of entries with ?recurse; an event stream with ?watch",
            "headers": {
              "X-Hearth-Index": {
                "description": "The KV index of what was read or written: pass it back as ?index= to block until it changes",
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              },
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/KVEntry"
                    },
                    {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    },
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/KVEntry"
                      }
                    }
                  ]
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "410": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/kv/{key}": {
      "get": {
        "operationId": "readKV",
        "summary": "Read a key's raw value; ?meta, ?keys, ?recurse, blocking ?index=N&wait=30s, ?watch=true",
        "description": "Verb get on kv. A missing key answers 404 (problem+json) with X-Hearth-Index. A KV token may read only under its prefix.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "key",
            "in": "path",
            "required": true,
            "description": "The key: a path of segments separated by '/', each of letters, digits and -._~!$&'()*+,;=:@ (at most 512 bytes; no empty, '.' or '..' segment). For listings, a prefix (may end with '/').",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "meta",
            "in": "query",
            "required": false,
            "description": "Answer the key's metadata (JSON) instead of its value",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "keys",
            "in": "query",
            "required": false,
            "description": "Treat the key as a prefix and list the keys under it",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "recurse",
            "in": "query",
            "required": false,
            "description": "Treat the key as a prefix and list the entries under it, values in base64",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "index",
            "in": "query",
            "required": false,
            "description": "Blocking read: answer at once if the key (or prefix) changed after this index, else hold until it changes or the wait ends",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "wait",
            "in": "query",
            "required": false,
            "description": "How long a blocking read may hold (default 5m, at most 10m); without index, a read of a missing key holds until it appears",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Listing: at most this many keys (1-10000)",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "after",
            "in": "query",
            "required": false,
            "description": "Listing: keys after this one (paging)",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "watch",
            "in": "query",
            "required": false,
            "description": "Stream changes as Server-Sent Events (the key; with recurse, the prefix)",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "revision",
            "in": "query",
            "required": false,
            "description": "Watch: start after this KV revision (410 if compacted)",
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The raw value (application/octet-stream); JSON metadata with ?meta; a JSON array of keys with ?keys; of entries with ?recurse; an event stream with ?watch",
            "headers": {
              "X-Hearth-Index": {
                "description": "The KV index of what was read or written: pass it back as ?index= to block until it changes",
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              },
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/KVEntry"
                    },
                    {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    },
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/KVEntry"
                      }
                    }
                  ]
                }
              },
              "text/event-stream": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "410": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "put": {
        "operationId": "writeKV",
        "summary": "Store the request body as the key's value",
        "description": "Verb update on kv. The body is raw bytes of any type, at most --kv-max-value-bytes (512 KiB). ?cas=N writes only if the key is at version N (0: only if absent), else 409. ?ttl=30s: the key expires (is deleted, and its watchers hear it) that long after the write. Answered after the write is durable.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "key",
            "in": "path",
            "required": true,
            "description": "The key: a path of segments separated by '/', each of letters, digits and -._~!$&'()*+,;=:@ (at most 512 bytes; no empty, '.' or '..' segment). For listings, a prefix (may end with '/').",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cas",
            "in": "query",
            "required": false,
            "description": "Compare-and-set on the key's version (0: create only)",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "ttl",
            "in": "query",
            "required": false,
            "description": "Time to live, e.g. 30s or 10m",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/octet-stream": {
              "schema": {
                "type": "string",
                "format": "binary"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The key's new metadata",
            "headers": {
              "X-Hearth-Index": {
                "description": "The KV index of what was read or written: pass it back as ?index= to block until it changes",
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/KVEntry"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "delete": {
        "operationId": "deleteKV",
        "summary": "Delete a key (?cas=N), or every key under it with ?recurse",
        "description": "Verb delete on kv. Deleting a missing key is not an error (deleted: 0).",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "key",
            "in": "path",
            "required": true,
            "description": "The key: a path of segments separated by '/', each of letters, digits and -._~!$&'()*+,;=:@ (at most 512 bytes; no empty, '.' or '..' segment). For listings, a prefix (may end with '/').",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "cas",
            "in": "query",
            "required": false,
            "description": "Delete only if the key is at this version",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "recurse",
            "in": "query",
            "required": false,
            "description": "Delete every key under the prefix",
            "schema": {
              "type": "boolean"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "How many keys were deleted",
            "headers": {
              "X-Hearth-Index": {
                "description": "The KV index of what was read or written: pass it back as ?index= to block until it changes",
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "deleted"
                  ],
                  "properties": {
                    "deleted": {
                      "type": "integer"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/kv-txn": {
      "post": {
        "operationId": "kvTransaction",
        "summary": "Apply several puts, deletes, checks and gets atomically: all or none",
        "description": "Verb update on kv. Every condition (cas, check) is tested before anything is written; a failed one answers 409 naming the operation, and nothing is written. At most 128 operations.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/KVTransaction"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The results, in order",
            "headers": {
              "X-Hearth-Index": {
                "description": "The KV index of what was read or written: pass it back as ?index= to block until it changes",
                "schema": {
                  "type": "integer"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/KVTransactionResult"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/kv-tokens": {
      "get": {
        "operationId": "listKVTokens",
        "summary": "List the namespace's live KV tokens (never the tokens themselves)",
        "description": "Verb list on kv-tokens.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The tokens",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/KVToken"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "post": {
        "operationId": "createKVToken",
        "summary": "Make a token that may only read and/or write keys under a prefix until it expires (shown once)",
        "description": "Verb create on kv-tokens, and the maker must itself be allowed what the token does (read: get and list on kv; write: update and delete). The token (hkv_<id>_<secret>) is a bearer token that reaches only the KV routes of this namespace under the prefix, and its own renewal; its maker's roles must still allow each request.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/KVTokenRequest"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The token, shown this once",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/KVTokenCreated"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/kv-tokens/{name}": {
      "delete": {
        "operationId": "revokeKVToken",
        "summary": "Revoke a KV token",
        "description": "Verb delete on kv-tokens. Refused at once on this replica, within the credential cache time (5 s) on others.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "The token's id (the 12 hex characters after hkv_)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "204": {
            "description": "Revoked"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/kv-tokens/{name}/renew": {
      "post": {
        "operationId": "renewKVToken",
        "summary": "Extend a live KV token by its lifetime (or {ttl}) from now; a token may renew itself",
        "description": "Verb update on kv-tokens.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "The token's id (the 12 hex characters after hkv_)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "ttl": {
                    "type": "string"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The token's record",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/KVToken"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/pki/ca.pem": {
      "get": {
        "operationId": "pkiTrustBundle",
        "summary": "The trust bundle of certificates Hearth issues: root, the current intermediate, then previous intermediates still published (PEM)",
        "description": "No authentication.",
        "security": [],
        "responses": {
          "200": {
            "description": "PEM certificates, root then intermediate",
            "content": {
              "application/x-pem-file": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/v1/pki/crl": {
      "get": {
        "operationId": "pkiCRL",
        "summary": "The certificate revocation list, signed by the current intermediate (?intermediate=SERIAL: by a previous one still published): DER (application/pkix-crl), or PEM with ?format=pem",
        "description": "No authentication. Rebuilt on revocation and at least every minute; valid for a day.",
        "security": [],
        "parameters": [
          {
            "name": "format",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "der",
                "pem"
              ]
            }
          },
          {
            "name": "intermediate",
            "in": "query",
            "required": false,
            "description": "The serial (hex, as openssl x509 -serial prints it; colons and 0x allowed) of a published intermediate whose CRL to serve; default the current one. 400 for what is not a serial, 404 for a serial that is not published.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The CRL",
            "content": {
              "application/pkix-crl": {
                "schema": {
                  "type": "string",
                  "format": "binary"
                }
              },
              "application/x-pem-file": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/certificates": {
      "get": {
        "operationId": "listCertificates",
        "summary": "List the certificates issued in a namespace",
        "description": "Verb list on certificates.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The namespace's certificates",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "namespace": {
                      "type": "string"
                    },
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/CertificateRecord"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      },
      "post": {
        "operationId": "issueCertificate",
        "summary": "Issue a certificate from a CSR ({csr}) or with a key made here ({generate: true}) for dnsNames, ipAddresses, uris and/or a serviceAccount's SPIFFE ID, usage [server, client], ttl; judged by the issuance policy named ({policy}) or a service account's default",
        "description": "Verb create on certificates. The request is judged by the issuancepolicies resource it names (policy); a service account's SPIFFE ID (spiffe://<cluster domain>/ns/<namespace>/sa/<name>) is allowed to whoever may create certificates in its namespace. Every issuance and refusal is audited. Malformed CSRs, mismatched signatures and bad names answer 422, names beyond the policy 403, each naming the field at fault.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "csr": {
                    "type": "string",
                    "description": "A PEM certificate signing request (PKCS#10); its signature is checked"
                  },
                  "generate": {
                    "type": "boolean",
                    "description": "Make the key here (answered once, never kept)"
                  },
                  "keyType": {
                    "type": "string",
                    "enum": [
                      "ecdsa-p256",
                      "ecdsa-p384"
                    ],
                    "description": "With generate: the key to make (default ecdsa-p256)"
                  },
                  "commonName": {
                    "type": "string"
                  },
                  "dnsNames": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "ipAddresses": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "uris": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "serviceAccount": {
                    "type": "string",
                    "description": "A service account of the namespace: its SPIFFE ID is added as a URI SAN"
                  },
                  "user": {
                    "type": "boolean",
                    "description": "A client certificate for the calling user's own ID (spiffe://<cluster domain>/user/<name>), client usage only, up to 720h"
                  },
                  "usage": {
                    "type": "array",
                    "items": {
                      "type": "string",
                      "enum": [
                        "server",
                        "client"
                      ]
                    },
                    "description": "Default: every usage the policy allows"
                  },
                  "ttl": {
                    "type": "string",
                    "description": "Lifetime such as 24h (default 72h, at most the policy's maxTTL)"
                  },
                  "policy": {
                    "type": "string",
                    "description": "The issuancepolicies resource the request is judged by"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The certificate, its chain and, with generate, its key",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IssuedCertificate"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/certificates/{serial}": {
      "get": {
        "operationId": "getCertificate",
        "summary": "One certificate issued in a namespace, by serial (hex, as openssl x509 -serial prints it)",
        "description": "Verb get on certificates.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "serial",
            "in": "path",
            "required": true,
            "description": "The certificate's serial in hex, as openssl x509 -serial prints it (colons allowed)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The certificate's record",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CertificateRecord"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/namespaces/{namespace}/certificates/{serial}/revoke": {
      "post": {
        "operationId": "revokeCertificate",
        "summary": "Revoke a certificate by serial ({reason} optional); it is in the CRL from then on until it expires",
        "description": "Verb update on certificates. Revoking again changes nothing.",
        "parameters": [
          {
            "name": "namespace",
            "in": "path",
            "required": true,
            "description": "Namespace name",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "serial",
            "in": "path",
            "required": true,
            "description": "The certificate's serial in hex, as openssl x509 -serial prints it (colons allowed)",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "reason": {
                    "type": "string"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The revoked certificate's record",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CertificateRecord"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "404": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/admin/pki": {
      "get": {
        "operationId": "pkiStatus",
        "summary": "The certificate authority: the root (key online or not), the intermediates published, the server's certificate",
        "description": "Permission: get on pki (cluster-admins).",
        "parameters": [],
        "responses": {
          "200": {
            "description": "The hierarchy",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PKIStatus"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/admin/pki/intermediate/rotate": {
      "post": {
        "operationId": "rotateIntermediate",
        "summary": "Rotate the intermediate CA: a new one signs from now on, the old one stays published until the certificates it issued expire; {rootKey} (PEM) when the root is offline, used once and not stored",
        "description": "Permission: rotate on pki (cluster-admins). The body is optional. 409 when the root key is offline and not supplied; 422 when the supplied key is not the root's.",
        "parameters": [],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/IntermediateRotation"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Rotated: the new hierarchy",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PKIStatus"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem"
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          },
          "413": {
            "$ref": "#/components/responses/Problem"
          },
          "422": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/admin/pki/root/export": {
      "post": {
        "operationId": "exportRootKey",
        "summary": "Export the root CA's certificate and private key (PEM) for keeping offline; the export is recorded and audited",
        "description": "Permission: export on pki (cluster-admins). The only API through which a CA key leaves the server; answered with Cache-Control: no-store. 409 when the key is already offline.",
        "parameters": [],
        "responses": {
          "200": {
            "description": "The root's certificate and key",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/RootExport"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    },
    "/v1/admin/pki/root/key": {
      "delete": {
        "operationId": "removeRootKey",
        "summary": "Remove the root CA's private key from the server (it must have been exported): the root is offline from then on",
        "description": "Permission: delete on pki (cluster-admins). 409 when the key was never exported or is already offline. Afterwards the intermediate signs the server's own certificate and an intermediate rotation needs the root key in its body.",
        "parameters": [],
        "responses": {
          "200": {
            "description": "Removed: the new hierarchy",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PKIStatus"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem"
          },
          "403": {
            "$ref": "#/components/responses/Problem"
          },
          "409": {
            "$ref": "#/components/responses/Problem"
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Problem": {
        "type": "object",
        "required": [
          "type",
          "title",
          "status",
          "detail",
          "code"
        ],
        "properties": {
          "type": {
            "type": "string"
          },
          "title": {
            "type": "string"
          },
          "status": {
            "type": "integer"
          },
          "detail": {
            "type": "string"
          },
          "instance": {
            "type": "string"
          },
          "code": {
            "type": "string",
            "description": "Stable error code, e.g. invalid, conflict, not-found"
          },
          "requestId": {
            "type": "string"
          },
          "errors": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "field": {
                  "type": "string"
                },
                "reason": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "SecretWrite": {
        "type": "object",
        "description": "Exactly one of value and valueBase64.",
        "properties": {
          "value": {
            "type": "string",
            "description": "UTF-8 text"
          },
          "valueBase64": {
            "type": "string",
            "description": "Binary, base64"
          }
        },
        "additionalProperties": false
      },
      "SecretWriteAnswer": {
        "type": "object",
        "properties": {
          "namespace": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "version": {
            "type": "integer"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "masterKeyId": {
            "type": "string"
          }
        }
      },
      "SecretValue": {
        "type": "object",
        "description": "value when the value is UTF-8 text, else valueBase64",
        "properties": {
          "namespace": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "version": {
            "type": "integer"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "value": {
            "type": "string"
          },
          "valueBase64": {
            "type": "string"
          }
        }
      },
      "SecretVersionInfo": {
        "type": "object",
        "properties": {
          "version": {
            "type": "integer"
          },
          "state": {
            "type": "string",
            "enum": [
              "live",
              "deleted",
              "destroyed"
            ]
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "deletedAt": {
            "type": "string",
            "format": "date-time"
          },
          "destroyedAt": {
            "type": "string",
            "format": "date-time"
          },
          "masterKeyId": {
            "type": "string",
            "description": "The master key wrapping the value's data key (absent once destroyed)"
          }
        }
      },
      "SecretMetadata": {
        "type": "object",
        "properties": {
          "namespace": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "currentVersion": {
            "type": "integer"
          },
          "maxVersions": {
            "type": "integer"
          },
          "versions": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SecretVersionInfo"
            }
          }
        }
      },
      "SecretList": {
        "type": "object",
        "properties": {
          "namespace": {
            "type": "string"
          },
          "items": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string"
                },
                "currentVersion": {
                  "type": "integer"
                },
                "versions": {
                  "type": "integer"
                },
                "createdAt": {
                  "type": "string",
                  "format": "date-time"
                },
                "updatedAt": {
                  "type": "string",
                  "format": "date-time"
                },
                "state": {
                  "type": "string",
                  "enum": [
                    "live",
                    "deleted",
                    "destroyed"
                  ]
                }
              }
            }
          }
        }
      },
      "SecretVersions": {
        "type": "object",
        "required": [
          "versions"
        ],
        "properties": {
          "versions": {
            "type": "array",
            "items": {
              "type": "integer",
              "minimum": 1
            }
          }
        }
      },
      "MasterKeyStatus": {
        "type": "object",
        "properties": {
          "current": {
            "type": "string"
          },
          "source": {
            "type": "string",
            "enum": [
              "data-directory",
              "key-file",
              "environment",
              "memory"
            ]
          },
          "supplied": {
            "type": "boolean"
          },
          "keys": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "id": {
                  "type": "string"
                },
                "createdAt": {
                  "type": "string",
                  "format": "date-time"
                },
                "current": {
                  "type": "boolean"
                },
                "secrets": {
                  "type": "integer"
                }
              }
            }
          },
          "foreignKeys": {
            "type": "object",
            "additionalProperties": {
              "type": "integer"
            },
            "description": "Values sealed under keys this replica does not hold, by key id"
          },
          "rewrap": {
            "type": "object",
            "properties": {
              "running": {
                "type": "boolean"
              },
              "current": {
                "type": "object"
              },
              "last": {
                "type": "object"
              }
            }
          }
        }
      },
      "ResourceWrite": {
        "type": "object",
        "required": [
          "name"
        ],
        "additionalProperties": false,
        "description": "Read-only fields of a Resource (uid, status, ...) are accepted and ignored.",
        "properties": {
          "name": {
            "type": "string",
            "pattern": "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
          },
          "labels": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "annotations": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "spec": {
            "type": "object",
            "description": "Checked against the type's schema"
          },
          "version": {
            "type": "integer",
            "description": "Precondition: the version you read"
          }
        }
      },
      "Condition": {
        "type": "object",
        "required": [
          "type",
          "status"
        ],
        "properties": {
          "type": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "True",
              "False",
              "Unknown"
            ]
          },
          "reason": {
            "type": "string"
          },
          "message": {
            "type": "string"
          },
          "lastTransitionTime": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "Status": {
        "type": "object",
        "required": [
          "phase",
          "conditions"
        ],
        "properties": {
          "phase": {
            "type": "string",
            "enum": [
              "pending",
              "provisioning",
              "ready",
              "failed",
              "deleting"
            ]
          },
          "conditions": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Condition"
            }
          },
          "message": {
            "type": "string"
          },
          "observedVersion": {
            "type": "integer"
          },
          "details": {}
        }
      },
      "StatusWrite": {
        "type": "object",
        "required": [
          "status"
        ],
        "properties": {
          "status": {
            "$ref": "#/components/schemas/Status"
          },
          "version": {
            "type": "integer"
          }
        }
      },
      "Resource": {
        "type": "object",
        "required": [
          "type",
          "uid",
          "name",
          "labels",
          "annotations",
          "createdAt",
          "updatedAt",
          "version",
          "revision",
          "spec",
          "status"
        ],
        "properties": {
          "type": {
            "type": "string"
          },
          "uid": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "labels": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "annotations": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "owner": {
            "type": "string"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          },
          "version": {
            "type": "integer",
            "format": "int64"
          },
          "revision": {
            "type": "integer",
            "format": "int64"
          },
          "spec": {
            "type": "object"
          },
          "status": {
            "$ref": "#/components/schemas/Status"
          }
        }
      },
      "ResourceList": {
        "type": "object",
        "required": [
          "type",
          "items",
          "revision"
        ],
        "properties": {
          "type": {
            "type": "string"
          },
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Resource"
            }
          },
          "revision": {
            "type": "integer",
            "format": "int64"
          },
          "continue": {
            "type": "string"
          }
        }
      },
      "DeleteResult": {
        "type": "object",
        "required": [
          "deleted",
          "revision"
        ],
        "properties": {
          "deleted": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Resource"
            }
          },
          "revision": {
            "type": "integer",
            "format": "int64"
          }
        }
      },
      "WatchEvent": {
        "type": "object",
        "required": [
          "type",
          "revision",
          "object"
        ],
        "properties": {
          "type": {
            "type": "string",
            "enum": [
              "ADDED",
              "MODIFIED",
              "DELETED"
            ]
          },
          "revision": {
            "type": "integer"
          },
          "object": {
            "$ref": "#/components/schemas/Resource"
          }
        }
      },
      "ResourceTypeList": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string"
                },
                "kind": {
                  "type": "string"
                },
                "scope": {
                  "type": "string",
                  "enum": [
                    "namespaced",
                    "cluster"
                  ]
                },
                "description": {
                  "type": "string"
                },
                "schema": {
                  "type": "object"
                },
                "references": {
                  "type": "array",
                  "items": {
                    "type": "object"
                  }
                },
                "hasController": {
                  "type": "boolean"
                }
              }
            }
          }
        }
      },
      "ClusterInfo": {
        "type": "object",
        "properties": {
          "clusterId": {
            "type": "string"
          },
          "caFingerprint": {
            "type": "string"
          },
          "version": {
            "type": "string"
          },
          "store": {
            "type": "string"
          },
          "revision": {
            "type": "integer"
          }
        }
      },
      "SetupRequest": {
        "type": "object",
        "required": [
          "code",
          "username",
          "password"
        ],
        "properties": {
          "code": {
            "type": "string",
            "description": "The one-time code from DATA_DIR/setup-code"
          },
          "username": {
            "type": "string",
            "description": "The first admin's name (DNS label)"
          },
          "password": {
            "type": "string",
            "description": "At least 12 characters"
          }
        }
      },
      "LoginRequest": {
        "type": "object",
        "required": [
          "username",
          "password"
        ],
        "properties": {
          "username": {
            "type": "string"
          },
          "password": {
            "type": "string"
          }
        }
      },
      "RefreshRequest": {
        "type": "object",
        "required": [
          "refreshToken"
        ],
        "properties": {
          "refreshToken": {
            "type": "string",
            "description": "A refresh token (hth_rt_...); spent by this call"
          }
        }
      },
      "TokenRequest": {
        "type": "object",
        "required": [
          "grant_type"
        ],
        "properties": {
          "grant_type": {
            "type": "string",
            "enum": [
              "password",
              "refresh_token",
              "api_key"
            ]
          },
          "username": {
            "type": "string"
          },
          "password": {
            "type": "string"
          },
          "refresh_token": {
            "type": "string"
          },
          "api_key": {
            "type": "string"
          }
        }
      },
      "TokenGrant": {
        "type": "object",
        "required": [
          "accessToken",
          "expiresAt",
          "tokenType"
        ],
        "properties": {
          "accessToken": {
            "type": "string",
            "description": "An Ed25519-signed JWT (15 minutes by default)"
          },
          "refreshToken": {
            "type": "string",
            "description": "Rotates on use; absent for api_key grants"
          },
          "expiresAt": {
            "type": "string",
            "description": "When the access token expires",
            "format": "date-time"
          },
          "sessionID": {
            "type": "string"
          },
          "tokenType": {
            "type": "string",
            "enum": [
              "Bearer"
            ]
          }
        }
      },
      "WhoAmI": {
        "type": "object",
        "properties": {
          "subject": {
            "type": "string",
            "description": "user:<name> or serviceaccount:<ns>/<name>"
          },
          "kind": {
            "type": "string",
            "enum": [
              "user",
              "serviceaccount"
            ]
          },
          "name": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "groups": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "authenticatedBy": {
            "type": "string",
            "enum": [
              "access-token",
              "api-key"
            ]
          },
          "sessionID": {
            "type": "string"
          },
          "apiKeyID": {
            "type": "string"
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time"
          },
          "clusterID": {
            "type": "string"
          },
          "clusterAdmin": {
            "type": "boolean"
          }
        }
      },
      "JWKS": {
        "type": "object",
        "required": [
          "keys"
        ],
        "properties": {
          "keys": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "kty": {
                  "type": "string"
                },
                "crv": {
                  "type": "string"
                },
                "x": {
                  "type": "string"
                },
                "kid": {
                  "type": "string"
                },
                "alg": {
                  "type": "string"
                },
                "use": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "CreateUser": {
        "type": "object",
        "required": [
          "password"
        ],
        "properties": {
          "username": {
            "type": "string",
            "description": "The user's name (DNS label); or 'name'"
          },
          "name": {
            "type": "string"
          },
          "password": {
            "type": "string",
            "description": "Checked against the password policy; stored only as an scrypt hash"
          },
          "displayName": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "disabled": {
            "type": "boolean"
          },
          "labels": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "annotations": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "spec": {
            "type": "object"
          }
        }
      },
      "PasswordChange": {
        "type": "object",
        "required": [
          "newPassword"
        ],
        "properties": {
          "currentPassword": {
            "type": "string",
            "description": "Required to change your own password"
          },
          "newPassword": {
            "type": "string"
          }
        }
      },
      "CreateAPIKey": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "serviceAccount": {
            "type": "string",
            "description": "<namespace>/<name>: a key for this service account (namespace owners may)"
          },
          "expiresIn": {
            "type": "string",
            "description": "A duration, e.g. 720h"
          }
        }
      },
      "APIKey": {
        "type": "object",
        "required": [
          "id",
          "prefix",
          "subject",
          "createdAt"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "prefix": {
            "type": "string",
            "description": "The visible start of the key: hth_<id>_"
          },
          "subject": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time"
          },
          "key": {
            "type": "string",
            "description": "The key itself: only in the answer that creates it"
          }
        }
      },
      "APIKeyList": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/APIKey"
            }
          }
        }
      },
      "AuditEntry": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer",
            "description": "Rises with time and is never reused; opaque otherwise (on SQLite it encodes the commit time). Pass as 'before' for older entries"
          },
          "time": {
            "type": "string",
            "format": "date-time"
          },
          "principal": {
            "type": "string"
          },
          "source": {
            "type": "string"
          },
          "requestID": {
            "type": "string"
          },
          "verb": {
            "type": "string"
          },
          "resource": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "decision": {
            "type": "string",
            "enum": [
              "allowed",
              "denied"
            ]
          },
          "reason": {
            "type": "string"
          },
          "status": {
            "type": "integer"
          }
        }
      },
      "AuditPage": {
        "type": "object",
        "required": [
          "items"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AuditEntry"
            }
          },
          "next": {
            "type": "string",
            "description": "Pass as 'before' for the next page"
          }
        }
      },
      "HealthCheck": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "type": {
            "type": "string",
            "enum": [
              "http",
              "https",
              "tcp",
              "grpc",
              "ttl"
            ]
          },
          "target": {
            "type": "string",
            "description": "http/https: URL; tcp/grpc: host:port (default the instance's address and port)"
          },
          "interval": {
            "type": "string",
            "description": "e.g. 10s (default)"
          },
          "timeout": {
            "type": "string",
            "description": "e.g. 2s (default)"
          },
          "ttl": {
            "type": "string",
            "description": "ttl checks: how long a heartbeat keeps the check passing (default 30s)"
          },
          "expectedStatus": {
            "type": "string",
            "description": "http/https passing codes, default 200-299; 429 is a warning"
          },
          "verifyTLS": {
            "type": "boolean"
          },
          "tls": {
            "type": "boolean"
          },
          "grpcService": {
            "type": "string"
          },
          "successesBeforePassing": {
            "type": "integer",
            "minimum": 1
          },
          "failuresBeforeCritical": {
            "type": "integer",
            "minimum": 1
          }
        },
        "required": [
          "type"
        ]
      },
      "CheckReport": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "type": {
            "type": "string"
          },
          "state": {
            "type": "string",
            "enum": [
              "passing",
              "warning",
              "critical"
            ]
          },
          "output": {
            "type": "string",
            "description": "What the last run saw, at most 4 KB"
          },
          "checkedAt": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "InstanceWrite": {
        "type": "object",
        "description": "An instance registration; spec.service is taken from the path.",
        "properties": {
          "labels": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "annotations": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "spec": {
            "type": "object",
            "properties": {
              "address": {
                "type": "string"
              },
              "port": {
                "type": "integer"
              },
              "ports": {
                "type": "object",
                "additionalProperties": {
                  "type": "integer"
                }
              },
              "tags": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "meta": {
                "type": "object",
                "additionalProperties": {
                  "type": "string"
                }
              },
              "weight": {
                "type": "integer",
                "minimum": 1,
                "maximum": 65535
              },
              "node": {
                "type": "string"
              },
              "checks": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/HealthCheck"
                }
              },
              "initialState": {
                "type": "string",
                "enum": [
                  "passing",
                  "warning",
                  "critical"
                ]
              },
              "deregisterAfter": {
                "type": "string"
              }
            },
            "required": [
              "address"
            ]
          }
        },
        "required": [
          "spec"
        ]
      },
      "DiscoveredInstance": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string"
          },
          "address": {
            "type": "string"
          },
          "port": {
            "type": "integer"
          },
          "ports": {
            "type": "object",
            "additionalProperties": {
              "type": "integer"
            }
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "meta": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "weight": {
            "type": "integer"
          },
          "node": {
            "type": "string"
          },
          "health": {
            "type": "string",
            "enum": [
              "passing",
              "warning",
              "critical"
            ]
          },
          "checks": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/CheckReport"
            }
          },
          "revision": {
            "type": "integer"
          }
        }
      },
      "Discovery": {
        "type": "object",
        "properties": {
          "namespace": {
            "type": "string"
          },
          "service": {
            "type": "string"
          },
          "index": {
            "type": "integer",
            "description": "Revision of the last change to the service or its instances; pass it as ?index= to block"
          },
          "instances": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/DiscoveredInstance"
            }
          }
        }
      },
      "KVEntry": {
        "type": "object",
        "required": [
          "key",
          "version",
          "createIndex",
          "modifyIndex",
          "size"
        ],
        "properties": {
          "key": {
            "type": "string"
          },
          "version": {
            "type": "integer",
            "description": "1 when created, +1 per write"
          },
          "createIndex": {
            "type": "integer"
          },
          "modifyIndex": {
            "type": "integer"
          },
          "size": {
            "type": "integer"
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time"
          },
          "value": {
            "type": "string",
            "contentEncoding": "base64",
            "description": "In listings (?recurse) and transaction gets only"
          }
        }
      },
      "KVTransaction": {
        "type": "object",
        "required": [
          "ops"
        ],
        "properties": {
          "ops": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "op"
              ],
              "properties": {
                "op": {
                  "type": "string",
                  "enum": [
                    "put",
                    "delete",
                    "delete-prefix",
                    "check",
                    "get"
                  ]
                },
                "key": {
                  "type": "string"
                },
                "prefix": {
                  "type": "string"
                },
                "value": {
                  "type": "string",
                  "contentEncoding": "base64"
                },
                "text": {
                  "type": "string",
                  "description": "The value as UTF-8 text, instead of value"
                },
                "cas": {
                  "type": "integer"
                },
                "version": {
                  "type": "integer",
                  "description": "check: the version the key must be at (0: absent)"
                },
                "ttl": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "KVTransactionResult": {
        "type": "object",
        "required": [
          "index",
          "results"
        ],
        "properties": {
          "index": {
            "type": "integer"
          },
          "results": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "op"
              ],
              "properties": {
                "op": {
                  "type": "string"
                },
                "entry": {
                  "$ref": "#/components/schemas/KVEntry"
                },
                "deleted": {
                  "type": "integer"
                }
              }
            }
          }
        }
      },
      "KVTokenRequest": {
        "type": "object",
        "required": [
          "prefix",
          "verbs"
        ],
        "properties": {
          "prefix": {
            "type": "string",
            "description": "The key prefix the token may touch ('' for the whole namespace)"
          },
          "verbs": {
            "type": "array",
            "items": {
              "type": "string",
              "enum": [
                "read",
                "write"
              ]
            }
          },
          "ttl": {
            "type": "string",
            "description": "Lifetime, 1s to 720h (default 1h)"
          },
          "description": {
            "type": "string"
          }
        }
      },
      "KVToken": {
        "type": "object",
        "required": [
          "id",
          "prefixShown",
          "namespace",
          "prefix",
          "verbs",
          "createdBy",
          "createdAt",
          "expiresAt",
          "ttlSeconds"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "prefixShown": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "prefix": {
            "type": "string"
          },
          "verbs": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "description": {
            "type": "string"
          },
          "createdBy": {
            "type": "string"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time"
          },
          "ttlSeconds": {
            "type": "integer"
          }
        }
      },
      "KVTokenCreated": {
        "type": "object",
        "required": [
          "token",
          "id",
          "namespace",
          "prefix",
          "verbs",
          "expiresAt"
        ],
        "properties": {
          "token": {
            "type": "string",
            "description": "hkv_<id>_<secret>: use as 'Authorization: Bearer <token>'"
          },
          "id": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "prefix": {
            "type": "string"
          },
          "verbs": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "IssuedCertificate": {
        "type": "object",
        "required": [
          "certificate",
          "chain",
          "serial",
          "notBefore",
          "notAfter",
          "namespace",
          "policy"
        ],
        "properties": {
          "certificate": {
            "type": "string",
            "description": "The leaf, PEM"
          },
          "chain": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "The intermediate's PEM, then the root's"
          },
          "serial": {
            "type": "string",
            "description": "Uppercase hex, as openssl x509 -serial prints it"
          },
          "notBefore": {
            "type": "string",
            "format": "date-time"
          },
          "notAfter": {
            "type": "string",
            "format": "date-time"
          },
          "privateKey": {
            "type": "string",
            "description": "PKCS#8 PEM, with generate only"
          },
          "namespace": {
            "type": "string"
          },
          "policy": {
            "type": "string"
          }
        }
      },
      "CertificateRecord": {
        "type": "object",
        "required": [
          "serial",
          "namespace",
          "commonName",
          "dnsNames",
          "ipAddresses",
          "uris",
          "usages",
          "keyType",
          "policy",
          "issuedBy",
          "notBefore",
          "notAfter",
          "revoked"
        ],
        "properties": {
          "serial": {
            "type": "string"
          },
          "namespace": {
            "type": "string"
          },
          "commonName": {
            "type": "string"
          },
          "dnsNames": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "ipAddresses": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "uris": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "serviceAccount": {
            "type": "string"
          },
          "user": {
            "type": "string"
          },
          "usages": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "keyType": {
            "type": "string"
          },
          "policy": {
            "type": "string"
          },
          "issuedBy": {
            "type": "string"
          },
          "notBefore": {
            "type": "string",
            "format": "date-time"
          },
          "notAfter": {
            "type": "string",
            "format": "date-time"
          },
          "revoked": {
            "type": "boolean"
          },
          "revokedAt": {
            "type": "string",
            "format": "date-time"
          },
          "revokedBy": {
            "type": "string"
          },
          "revocationReason": {
            "type": "string"
          },
          "issuer": {
            "type": "string",
            "description": "The serial of the intermediate CA that signed it."
          }
        }
      },
      "PKIStatus": {
        "type": "object",
        "properties": {
          "root": {
            "type": "object",
            "properties": {
              "certificate": {
                "type": "object",
                "properties": {
                  "serial": {
                    "type": "string"
                  },
                  "subject": {
                    "type": "string"
                  },
                  "fingerprint": {
                    "type": "string"
                  },
                  "notBefore": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "notAfter": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "current": {
                    "type": "boolean",
                    "description": "For intermediates: true for the one that signs now."
                  }
                },
                "required": [
                  "serial",
                  "subject",
                  "fingerprint",
                  "notBefore",
                  "notAfter"
                ]
              },
              "keyOnline": {
                "type": "boolean"
              },
              "exported": {
                "type": "object",
                "properties": {
                  "exportedAt": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "exportedBy": {
                    "type": "string"
                  },
                  "root": {
                    "type": "string",
                    "description": "The fingerprint of the root whose key was exported."
                  }
                }
              }
            },
            "required": [
              "certificate",
              "keyOnline"
            ]
          },
          "intermediates": {
            "type": "array",
            "description": "The published intermediates, the current one first.",
            "items": {
              "type": "object",
              "properties": {
                "serial": {
                  "type": "string"
                },
                "subject": {
                  "type": "string"
                },
                "fingerprint": {
                  "type": "string"
                },
                "notBefore": {
                  "type": "string",
                  "format": "date-time"
                },
                "notAfter": {
                  "type": "string",
                  "format": "date-time"
                },
                "current": {
                  "type": "boolean",
                  "description": "For intermediates: true for the one that signs now."
                }
              },
              "required": [
                "serial",
                "subject",
                "fingerprint",
                "notBefore",
                "notAfter"
              ]
            }
          },
          "server": {
            "type": "object",
            "properties": {
              "serial": {
                "type": "string"
              },
              "issuer": {
                "type": "string"
              },
              "notAfter": {
                "type": "string",
                "format": "date-time"
              }
            },
            "required": [
              "serial",
              "issuer",
              "notAfter"
            ]
          },
          "sharing": {
            "type": "object",
            "description": "Whether this replica's hierarchy is the one the replicas of its database share (one versioned record; the replicas need the same master key).",
            "properties": {
              "state": {
                "type": "string",
                "enum": [
                  "shared",
                  "local",
                  "pending"
                ]
              },
              "version": {
                "type": "integer"
              },
              "reason": {
                "type": "string",
                "description": "For local: why the shared hierarchy does not open here."
              }
            },
            "required": [
              "state"
            ]
          }
        },
        "required": [
          "root",
          "intermediates",
          "server",
          "sharing"
        ]
      },
      "IntermediateRotation": {
        "type": "object",
        "properties": {
          "rootKey": {
            "type": "string",
            "description": "The root CA's private key (PEM), when it is offline; used for this signature only."
          }
        }
      },
      "RootExport": {
        "type": "object",
        "properties": {
          "certificate": {
            "type": "string"
          },
          "privateKey": {
            "type": "string"
          },
          "fingerprint": {
            "type": "string"
          }
        },
        "required": [
          "certificate",
          "privateKey",
          "fingerprint"
        ]
      }
    },
    "responses": {
      "Problem": {
        "description": "Error (RFC 9457 problem details)",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      }
    },
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token (JWT from /v1/auth/login) or an API key (hth_<id>_<secret>)"
      }
    }
  },
  "security": [
    {
      "bearer": []
    }
  ]
}
"""#
}
