package io.ringchat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --version} for both programs: the command's name and the version its jar's manifest
 * carries ({@code Implementation-Version}), or "(development build)" when run from classes.
 */
public final class VersionFromManifest implements CommandLine.IVersionProvider {
  @CommandLine.Spec private CommandSpec spec;

  @Override
  public String[] getVersion() {
    Object command = spec.root().userObject();
    String version = command.getClass().getPackage().getImplementationVersion();
    return new String[] {
      spec.root().name() + " " + (version == null ? "(development build)" : version)
    };
  }
}
