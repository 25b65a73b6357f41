// Refuses a parameter combination that would expose the product: every other deployment of main.bicep
// depends on this one, so a refusal stops the deployment before anything is created.
targetScope = 'subscription'

type check = {
  @description('True when the combination must not be deployed.')
  refused: bool
  @description('What is wrong and which parameter to change; shown as the deployment error.')
  reason: string
}

param checks check[]

var refused = filter(checks, c => c.refused)

// Why this fails, and with the reason in the message: ARM evaluates only the branch if() chooses, so the
// lookup runs only when something was refused; it asks an empty object for a property named by the reasons,
// and ARM's error ("The language expression property '<name>' doesn't exist") quotes that name. An output
// that cannot be evaluated fails this deployment, and every deployment that depends on it is not started.
// This needs no experimental Bicep feature and no deployment script.
output accepted bool = empty(refused) ? true : json('{}')['REFUSED: ${join(map(refused, c => c.reason), ' | ')}']
