#!/usr/bin/env sh
# azd's preprovision hook: makes the API's Entra ID app registration once per azd environment, and stores
# the audiences the templates need (KEYMGMT_API_AUDIENCES: the app ID URI and the client id). Bicep cannot
# make app registrations without the Microsoft Graph extension, and whoever runs azd up has the Azure CLI
# anyway for tokens; so this uses az (az login first, as a user allowed to register applications).
#
# What it makes: an application with the app roles of infra/azure/api-app-roles.json (reader, operator,
# admin), the app ID URI api://<client id>, v2 access tokens, one delegated scope (access) pre-authorized
# for the Azure CLI so that `az account get-access-token --resource api://<client id>` works without a
# consent prompt, and its service principal; and it gives the signed-in user the admin role.
# Set KEYMGMT_API_AUDIENCES yourself (azd env set) to use an existing registration; then this does nothing.
set -eu
if [ -n "${KEYMGMT_API_AUDIENCES:-}" ]; then
  echo "api-app-registration: KEYMGMT_API_AUDIENCES is set; using that registration"
  exit 0
fi
command -v az >/dev/null 2>&1 || { echo "api-app-registration: needs the Azure CLI (az), signed in" >&2; exit 1; }
here=$(cd "$(dirname "$0")/.." && pwd)
# The Azure CLI's well-known client id, which asks for the token in `az account get-access-token`.
azure_cli=04b07795-8ddb-461a-bbee-02f9e1bf7b46
name="keymgmt-${AZURE_ENV_NAME:?azd sets AZURE_ENV_NAME}"

client_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg \
  --app-roles "@$here/api-app-roles.json" --query appId -o tsv)
object_id=$(az ad app show --id "$client_id" --query id -o tsv)
scope_id=$(python3 -c 'import uuid; print(uuid.uuid4())')

# One PATCH for what az ad app has no flag for: the scope, its pre-authorization, the token version.
az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$object_id" \
  --headers 'Content-Type=application/json' --body "{
    \"identifierUris\": [\"api://$client_id\"],
    \"api\": {
      \"requestedAccessTokenVersion\": 2,
      \"oauth2PermissionScopes\": [{\"id\": \"$scope_id\", \"value\": \"access\", \"type\": \"User\", \"isEnabled\": true,
        \"adminConsentDisplayName\": \"Call keymgmt\", \"adminConsentDescription\": \"Call the keymgmt API as the signed-in user, with the app roles the user has.\",
        \"userConsentDisplayName\": \"Call keymgmt\", \"userConsentDescription\": \"Call the keymgmt API as you.\"}],
      \"preAuthorizedApplications\": [{\"appId\": \"$azure_cli\", \"delegatedPermissionIds\": [\"$scope_id\"]}]
    }
  }"

sp_id=$(az ad sp create --id "$client_id" --query id -o tsv)
user_id=$(az ad signed-in-user show --query id -o tsv)
admin_role=$(python3 -c 'import json,sys; print(next(r["id"] for r in json.load(open(sys.argv[1])) if r["value"] == "admin"))' \
  "$here/api-app-roles.json")
az rest --method POST --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$sp_id/appRoleAssignedTo" \
  --headers 'Content-Type=application/json' \
  --body "{\"principalId\": \"$user_id\", \"resourceId\": \"$sp_id\", \"appRoleId\": \"$admin_role\"}" >/dev/null

azd env set KEYMGMT_API_AUDIENCES "[\"api://$client_id\",\"$client_id\"]"
azd env set KEYMGMT_API_CLIENT_ID "$client_id"
echo "api-app-registration: made $name (client id $client_id); you hold its admin role"
