// What one app's identity may do in this resource group: the engine's tables, the host's storage and its
// deployment container, the rotation queue if the app uses it, telemetry, and its use of the seal key.
param principalId string
param storageAccountName string
param usesRotationQueue bool
param applicationInsightsName string
param sealVaultName string
param sealKeyName string
@description('The app\'s seal key role definition id, or empty for an app that never seals or unseals.')
param sealRoleDefinitionId string

// Azure's built-in role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var builtInRoles = {
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb'
}

// The engine reads and writes its tables and creates them at start-up. The host needs Blob Data Owner on
// its own storage (leases, timer locks, keys) and the Flex deployment container; Functions documents no
// narrower role for identity-based AzureWebJobsStorage. The queue role only where the code sends to or
// reads the rotation queue.
var storageRoles = concat(
  ['Storage Table Data Contributor', 'Storage Blob Data Owner'],
  usesRotationQueue ? ['Storage Queue Data Contributor'] : [])

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(account.id, principalId, builtInRoles[role])
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles[role])
  }
}]

resource component 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource telemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(component.id, principalId, builtInRoles['Monitoring Metrics Publisher'])
  scope: component
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles['Monitoring Metrics Publisher'])
  }
}

resource sealVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: sealVaultName
}

resource sealKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' existing = {
  parent: sealVault
  name: sealKeyName
}

// Scoped to the key, not the vault: a role on the vault would reach any key added there later.
resource sealAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(sealRoleDefinitionId)) {
  name: guid(sealKey.id, principalId, 'seal')
  scope: sealKey
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: sealRoleDefinitionId
  }
}
