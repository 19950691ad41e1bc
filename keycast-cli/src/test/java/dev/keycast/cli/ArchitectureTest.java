package dev.keycast.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The layering of the modules and packages (docs/architecture.md), checked on the compiled main
 * classes of every module. It lives in keycast-cli because that module's test class path holds
 * every other module (examples as a test dependency). Each rule is one test: its name says the
 * rule, and a failure lists every offending dependency.
 */
@AnalyzeClasses(packages = "dev.keycast", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String ROOT = "dev.keycast";
  private static final String INTERNAL = ".internal";

  /**
   * The one cross-family use of an internal class: the store builds the public keys it reads back
   * from its own rows without the curve check (keycast-crypto exports the package to keycast-nip46
   * only; see TrustedKeys).
   */
  private static final String TRUSTED_KEYS_USE =
      "dev.keycast.crypto.internal.TrustedKeys <- dev.keycast.nip46.store.internal";

  /**
   * A package and its {@code internal} subpackages form one family (the public facade builds its
   * internal implementation, which implements the facade's public interfaces, as in Tink and jdbi);
   * families must not form a cycle.
   */
  @ArchTest
  void packageFamilies_haveNoCycles(JavaClasses classes) {
    slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                String pkg = c.getPackageName();
                return pkg.startsWith(ROOT + ".")
                    ? SliceIdentifier.of(parentOfInternal(pkg).substring(ROOT.length() + 1))
                    : SliceIdentifier.ignore();
              }

              @Override
              public String getDescription() {
                return "package families of " + ROOT + " (a package with its internal subpackages)";
              }
            })
        .should()
        .beFreeOfCycles()
        .check(classes);
  }

  @ArchTest
  void crypto_importsNothingElseOfTheProject(JavaClasses classes) {
    onlyItsOwnModule("dev.keycast.crypto..").check(classes);
  }

  @ArchTest
  void queue_importsNothingElseOfTheProject(JavaClasses classes) {
    onlyItsOwnModule("dev.keycast.queue..").check(classes);
  }

  @ArchTest
  void protocol_importsNeitherRelayNorClient(JavaClasses classes) {
    noDependency(
            List.of("dev.keycast.nip46", "dev.keycast.nip46.internal"),
            List.of("dev.keycast.nip46.relay..", "dev.keycast.nip46.client.."))
        .check(classes);
  }

  @ArchTest
  void relay_doesNotImportClient(JavaClasses classes) {
    noDependency(List.of("dev.keycast.nip46.relay.."), List.of("dev.keycast.nip46.client.."))
        .check(classes);
  }

  @ArchTest
  void storeAndPolicy_doNotImportServer(JavaClasses classes) {
    noDependency(
            List.of("dev.keycast.nip46.store..", "dev.keycast.nip46.policy.."),
            List.of("dev.keycast.nip46.server.."))
        .check(classes);
  }

  @ArchTest
  void internalPackages_areImportedOnlyFromTheirParentPackageFamily(JavaClasses classes) {
    classes()
        .that()
        .resideInAPackage("..internal..")
        .should(
            new ArchCondition<JavaClass>(
                "be used only from their parent package and its subpackages") {
              @Override
              public void check(JavaClass target, ConditionEvents events) {
                String family = parentOfInternal(target.getPackageName());
                for (Dependency d : target.getDirectDependenciesToSelf()) {
                  String origin = d.getOriginClass().getPackageName();
                  if (origin.startsWith(ROOT)
                      && !inFamily(origin, family)
                      && !TRUSTED_KEYS_USE.equals(target.getName() + " <- " + origin)) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
        .check(classes);
  }

  @ArchTest
  void internalTypes_neverAppearInPublicApiSignatures(JavaClasses classes) {
    classes()
        .that()
        .resideOutsideOfPackage("..internal..")
        .and()
        .arePublic()
        .should(
            new ArchCondition<JavaClass>(
                "expose no ..internal.. type in a public or protected signature") {
              @Override
              public void check(JavaClass api, ConditionEvents events) {
                for (JavaType t : supertypes(api)) {
                  reportInternal(api.getFullName() + " extends or implements", t, events);
                }
                for (JavaMember m : api.getMembers()) {
                  if (!isApi(m)) {
                    continue;
                  }
                  for (JavaType t : signatureTypes(m)) {
                    reportInternal(m.getFullName(), t, events);
                  }
                }
              }
            })
        .check(classes);
  }

  @ArchTest
  void cli_isImportedByNothingElse(JavaClasses classes) {
    importedOnlyBySelf("dev.keycast.cli..").check(classes);
  }

  @ArchTest
  void examples_areImportedByNothingElse(JavaClasses classes) {
    importedOnlyBySelf("dev.keycast.examples..").check(classes);
  }

  @ArchTest
  void theRulesSeeEveryModule(JavaClasses classes) {
    // Guards the other rules against passing on an empty or partial import (a class path change, a
    // moved module).
    for (String pkg :
        List.of(
            "dev.keycast.crypto",
            "dev.keycast.queue",
            "dev.keycast.nip46",
            "dev.keycast.cli",
            "dev.keycast.examples")) {
      if (!classes.containPackage(pkg) || classes.getPackage(pkg).getClasses().isEmpty()) {
        throw new AssertionError(
            "no main class imported from " + pkg + ": the architecture rules would not see it");
      }
    }
  }

  private static ArchRule onlyItsOwnModule(String module) {
    return noClasses()
        .that()
        .resideInAPackage(module)
        .should()
        .dependOnClassesThat(resideInAPackage(ROOT + "..").and(not(resideInAnyPackage(module))))
        .as("classes in " + module + " should depend on no other " + ROOT + " module");
  }

  private static ArchRule noDependency(List<String> from, List<String> to) {
    return noClasses()
        .that()
        .resideInAnyPackage(from.toArray(String[]::new))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(to.toArray(String[]::new));
  }

  private static ArchRule importedOnlyBySelf(String pkg) {
    return noClasses()
        .that()
        .resideOutsideOfPackage(pkg)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(pkg);
  }

  /**
   * {@code a.b.internal.c} → {@code a.b}: the package whose family may use this internal package.
   */
  private static String parentOfInternal(String pkg) {
    int at = pkg.indexOf(INTERNAL + ".");
    if (at < 0 && pkg.endsWith(INTERNAL)) {
      at = pkg.length() - INTERNAL.length();
    }
    return at < 0 ? pkg : pkg.substring(0, at);
  }

  private static boolean inFamily(String pkg, String family) {
    return pkg.equals(family) || pkg.startsWith(family + ".");
  }

  private static boolean isApi(JavaMember m) {
    Set<JavaModifier> mods = m.getModifiers();
    return mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED);
  }

  private static List<JavaType> supertypes(JavaClass c) {
    List<JavaType> types = new ArrayList<>();
    c.getSuperclass().ifPresent(types::add);
    types.addAll(c.getInterfaces());
    return types;
  }

  private static List<JavaType> signatureTypes(JavaMember m) {
    List<JavaType> types = new ArrayList<>();
    if (m instanceof JavaField f) {
      types.add(f.getType());
    } else if (m instanceof JavaCodeUnit u) {
      types.add(u.getReturnType());
      types.addAll(u.getParameterTypes());
      types.addAll(u.getExceptionTypes());
    }
    return types;
  }

  private static void reportInternal(String where, JavaType type, ConditionEvents events) {
    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
      String pkg = raw.getPackageName();
      if (pkg.startsWith(ROOT) && (pkg.endsWith(INTERNAL) || pkg.contains(INTERNAL + "."))) {
        events.add(SimpleConditionEvent.violated(raw, where + " exposes " + raw.getFullName()));
      }
    }
  }
}
