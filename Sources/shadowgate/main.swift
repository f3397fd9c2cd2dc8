import ShadowCommands

await ShadowGateCommand.runMain()
