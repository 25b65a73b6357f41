// The custom roles: no built-in Key Vault role grants exactly an app's key permissions, so each app gets a
// role with exactly the data actions its calls need, in the target vaults and on the seal key.
targetScope = 'subscription'

param environmentName string
@description('Each app: id, keyVaultDataActions (target vaults), sealDataActions (the seal key).')
param apps array

// Role names are unique in the whole tenant, so they carry the subscription as well as the environment.
var scopeToken = uniqueString(subscription().id)
var withTargetVaultActions = filter(apps, app => !empty(app.keyVaultDataActions))
var withSealActions = filter(apps, app => !empty(app.sealDataActions))

// Role definition names are GUIDs derived from the app, so their ids are known without reading the resources
// (Bicep cannot index the role collections with a lambda's variable).
var targetVaultRoleNames = toObject(apps, app => app.id, app => guid(subscription().id, environmentName, app.id, 'target-vault-keys'))
var sealRoleNames = toObject(apps, app => app.id, app => guid(subscription().id, environmentName, app.id, 'seal-key'))

resource targetVaultRoles 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for app in withTargetVaultActions: {
  name: targetVaultRoleNames[app.id]
  properties: {
    roleName: 'keymgmt ${environmentName} ${app.id} target vault keys (${scopeToken})'
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
  name: sealRoleNames[app.id]
  properties: {
    roleName: 'keymgmt ${environmentName} ${app.id} seal key (${scopeToken})'
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

// A module's outputs are available once all its resources are deployed, so an assignment that reads them
// waits for the definitions.
@description('Role definition resource ids by app id; apps without target vault permissions are absent.')
output targetVaultRoleIds object = toObject(withTargetVaultActions, app => app.id, app => subscriptionResourceId('Microsoft.Authorization/roleDefinitions', targetVaultRoleNames[app.id]))
output sealRoleIds object = toObject(withSealActions, app => app.id, app => subscriptionResourceId('Microsoft.Authorization/roleDefinitions', sealRoleNames[app.id]))
