// Grants the apps their key permissions in one existing target vault, in that vault's resource group:
// an assignment of each app's custom role (RBAC vaults), or one access policy per app (vaults that use
// access policies). Apps without key permissions get nothing here.
param vaultName string
@allowed(['rbac', 'accessPolicies'])
param accessModel string
@description('Each grant: appId, principalId, roleDefinitionId (custom role), keyPermissions (access-policy names).')
param grants array

var granted = filter(grants, g => !empty(g.keyPermissions))

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for g in (accessModel == 'rbac' ? granted : []): {
  name: guid(vault.id, g.principalId, g.roleDefinitionId)
  scope: vault
  properties: {
    principalId: g.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: g.roleDefinitionId
  }
}]

// 'add' merges these entries into the vault's existing policies instead of replacing them.
resource policies 'Microsoft.KeyVault/vaults/accessPolicies@2023-07-01' = if (accessModel == 'accessPolicies' && !empty(granted)) {
  parent: vault
  name: 'add'
  properties: {
    accessPolicies: [for g in granted: {
      tenantId: tenant().tenantId
      objectId: g.principalId
      permissions: {
        keys: g.keyPermissions
        secrets: []
        certificates: []
      }
    }]
  }
}
