// The custom roles: no built-in Key Vault role grants exactly an app's key permissions, so each app gets a
// role with exactly the data actions its calls need, in the target vaults and on the seal key.
targetScope = 'subscription'

param environmentName string
@description('Each app: id, keyVaultDataActions (target vaults), sealDataActions (the seal key).')
param apps array

var withTargetVaultActions = filter(apps, app => !empty(app.keyVaultDataActions))
var withSealActions = filter(apps, app => !empty(app.sealDataActions))

resource targetVaultRoles 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for app in withTargetVaultActions: {
  name: guid(subscription().id, environmentName, app.id, 'target-vault-keys')
  properties: {
    roleName: 'keymgmt ${environmentName} ${app.id} target vault keys'
    description: 'What the keymgmt ${app.id} app does to keys in the vaults it distributes to; nothing more.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: app.keyVaultDataActions
        notDataActions: []
      }
    ]
    // The subscription: target vaults may be in any of its resource groups.
    assignableScopes: [subscription().id]
  }
}]

resource sealRoles 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for app in withSealActions: {
  name: guid(subscription().id, environmentName, app.id, 'seal-key')
  properties: {
    roleName: 'keymgmt ${environmentName} ${app.id} seal key'
    description: 'How the keymgmt ${app.id} app uses the seal key; assigned on that key only.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: app.sealDataActions
        notDataActions: []
      }
    ]
    assignableScopes: [subscription().id]
  }
}]

@description('Role definition resource ids by app id; apps without target vault permissions are absent.')
output targetVaultRoleIds object = toObject(range(0, length(withTargetVaultActions)), i => withTargetVaultActions[i].id, i => targetVaultRoles[i].id)
output sealRoleIds object = toObject(range(0, length(withSealActions)), i => withSealActions[i].id, i => sealRoles[i].id)
