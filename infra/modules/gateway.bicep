// The one address for Vault clients and workflows: API Management (Consumption tier) sends each method
// and path to the app that serves it (gateway-routes.json, held to the code's route catalog by a test),
// and optionally checks the Entra ID token before the app checks it again. See docs/adr/0018.
param location string
param tags object
param name string
param publisherEmail string
param publisherName string
param apiMountPath string
@description('Each app: id and hostName (its default host name).')
param backends array
param validateTokens bool
param apiTenantId string
param apiAudiences array

var routes = loadJsonContent('gateway-routes.json').operations
var loginEndpoint = environment().authentication.loginEndpoint

resource service 'Microsoft.ApiManagement/service@2022-08-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Consumption', capacity: 0 }
  properties: {
    publisherEmail: publisherEmail
    publisherName: publisherName
  }
}

resource appBackends 'Microsoft.ApiManagement/service/backends@2022-08-01' = [for backend in backends: {
  parent: service
  name: backend.id
  properties: {
    url: 'https://${backend.hostName}'
    protocol: 'http'
  }
}]

resource api 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
  parent: service
  name: 'keymgmt'
  properties: {
    displayName: 'keymgmt'
    // Vault clients call /v1/... at the root of VAULT_ADDR, so the API has no path of its own.
    path: ''
    protocols: ['https']
    // Vault clients cannot send an API Management subscription key; the Entra ID token is the credential.
    subscriptionRequired: false
  }
}

// Vault clients send the token as X-Vault-Token (the vault CLI always does), others as a bearer token; the
// app accepts both, so the gateway checks whichever came. Vault answers a missing or bad token with 403.
// Entra ID issues v2.0 tokens (login endpoint issuer) or v1.0 ones (sts.windows.net), by the app registration's
// accessTokenAcceptedVersion; both are accepted, as the app does.
var audiencesXml = join(map(apiAudiences, a => '<audience>${a}</audience>'), '')
var tokenRules = '<openid-config url="${loginEndpoint}${apiTenantId}/v2.0/.well-known/openid-configuration" /><audiences>${audiencesXml}</audiences><issuers><issuer>${loginEndpoint}${apiTenantId}/v2.0</issuer><issuer>https://sts.windows.net/${apiTenantId}/</issuer></issuers>'
var refusal = 'failed-validation-httpcode="403" failed-validation-error-message="permission denied"'
var bearerCheck = '<validate-jwt header-name="Authorization" require-scheme="Bearer" ${refusal}>${tokenRules}</validate-jwt>'
var vaultTokenCheck = '<validate-jwt header-name="X-Vault-Token" ${refusal}>${tokenRules}</validate-jwt>'
var tokenCheck = validateTokens ? '<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;Authorization&quot;))">${bearerCheck}</when><otherwise>${vaultTokenCheck}</otherwise></choose>' : ''

resource operations 'Microsoft.ApiManagement/service/apis/operations@2022-08-01' = [for route in routes: {
  parent: api
  name: route.name
  properties: {
    displayName: '${route.method} ${route.urlTemplate}'
    method: route.method
    urlTemplate: replace(route.urlTemplate, 'MOUNT', apiMountPath)
    templateParameters: [for p in route.parameters: {
      name: p
      type: 'string'
      required: true
    }]
  }
}]

resource policies 'Microsoft.ApiManagement/service/apis/operations/policies@2022-08-01' = [for (route, i) in routes: {
  parent: operations[i]
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: '<policies><inbound><base />${(route.?anonymous ?? false) ? '' : tokenCheck}<set-backend-service backend-id="${route.app}" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>'
  }
  dependsOn: [appBackends]
}]

output gatewayUrl string = service.properties.gatewayUrl
